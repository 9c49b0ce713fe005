import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatS3Location, libraryS3Path, parseS3Path, tenantS3Path } from '../../../src/core/escher-api/s3-path';
import { ValidationError } from '../../../src/core/shared/errors';

test('tenant and library paths parse into their parts', () => {
  assert.deepEqual(parseS3Path(tenantS3Path('acme', 'rds-stop', '1.2.3-beta.1', 'shell/stop.sh')), {
    kind: 'tenant',
    tenant: 'acme',
    playbookId: 'rds-stop',
    version: '1.2.3-beta.1',
    path: 'shell/stop.sh',
  });
  assert.deepEqual(parseS3Path(libraryS3Path('escher-aws-rds-stop', '1.0.0', 'terraform/modules/main.tf')), {
    kind: 'library',
    playbookId: 'escher-aws-rds-stop',
    version: '1.0.0',
    path: 'terraform/modules/main.tf',
  });
});

test('traversal, encoding tricks and foreign buckets are refused with one clear line', () => {
  const bad = [
    's3://escher-tenant-data/tenants/acme/playbooks/x/1.0.0/shell/../../../etc/passwd',
    's3://escher-tenant-data/tenants/acme/playbooks/x/1.0.0/shell/%2e%2e/y',
    's3://escher-tenant-data/tenants/acme/playbooks/x/1.0.0/shell/./y',
    's3://escher-tenant-data/tenants/acme/playbooks/x/1.0.0/shell//y',
    's3://escher-tenant-data/tenants/acme/playbooks/x/1.0.0/shell/y\\..\\z',
    's3://escher-tenant-data/tenants/acme/playbooks/x/1.0.0/shell/ y',
    's3://escher-tenant-data/tenants/acme/playbooks/x/1.0.0/shell/con',
    's3://escher-tenant-data/tenants/acme/playbooks/x/1.0.0/shell/y\u0007',
    's3://escher-tenant-data/tenants/acme/playbooks/x/1.0.0/shell/y#frag',
    's3://escher-tenant-data/tenants/acme/playbooks/X/1.0.0/shell/y',
    's3://escher-tenant-data/tenants/acme/playbooks/x/01.0.0/shell/y',
    's3://escher-tenant-data/tenants/acme/playbooks/x/1.0.0/notaformat/y',
    's3://escher-tenant-data/tenants/acme/x/1.0.0/shell/y',
    's3://escher-library/tenants/acme/playbooks/x/1.0.0/shell/y',
    's3://evil/playbooks/x/1.0.0/shell/y',
    'S3://escher-library/playbooks/x/1.0.0/shell/y',
    'https://escher-library/playbooks/x/1.0.0/shell/y',
    's3://escher-library/playbooks/x/1.0.0/shell/' + 'a'.repeat(1100),
    '',
  ];
  for (const p of bad) {
    assert.throws(() => parseS3Path(p), (e: unknown) => e instanceof ValidationError && !e.message.includes('\n'), JSON.stringify(p));
  }
  assert.throws(() => parseS3Path(42), ValidationError);
});

const segment = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,10}$/);
const id = fc.stringMatching(/^[a-z0-9]{1,8}(?:-[a-z0-9]{1,8}){0,2}$/);
const version = fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)).map(([a, b, c]) => `${a}.${b}.${c}`);
const format = fc.constantFrom('shell', 'cloudformation', 'arm', 'terraform', 'python');

test('property: every well-formed path round-trips; inserting a ".." segment anywhere is refused', () => {
  fc.assert(
    fc.property(fc.boolean(), id, id, version, format, fc.array(segment, { minLength: 1, maxLength: 4 }), fc.nat(), (lib, tenant, pb, v, f, rest, at) => {
      const rel = [f, ...rest].join('/');
      const p = lib ? libraryS3Path(pb, v, rel) : tenantS3Path(tenant, pb, v, rel);
      assert.equal(formatS3Location(parseS3Path(p)), p);
      const parts = p.split('/');
      const i = 3 + (at % (parts.length - 3)); // somewhere after "s3://bucket/"
      const hostile = [...parts.slice(0, i), '..', ...parts.slice(i)].join('/');
      assert.throws(() => parseS3Path(hostile), ValidationError);
    }),
  );
});
