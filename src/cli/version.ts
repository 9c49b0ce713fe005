import pkg from '../../package.json';

/** The package version, inlined by esbuild at build time. */
export const CLI_VERSION: string = pkg.version;
