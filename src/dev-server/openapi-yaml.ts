import { stringify } from 'yaml';
import { buildOpenApiDocument } from '../core/escher-api/openapi-document';
import { SERVER_VERSION } from './server';

/** The committed api/escher-server.openapi.yaml is exactly this text. */
export function openApiYaml(): string {
  return (
    '# GENERATED from src/core/escher-api/wire-schemas.ts + openapi-document.ts: do not edit by hand.\n' +
    '# Regenerate: node --import tsx src/dev-server/main.ts --print-openapi > api/escher-server.openapi.yaml\n' +
    stringify(buildOpenApiDocument(SERVER_VERSION), { lineWidth: 0, aliasDuplicateObjects: false })
  );
}

