import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { runCli } from './cli';
import { tempDir } from './temp-dir';

/** A home with three playbooks made through the CLI (one with a shell script calling `aws rds stop-db-instance`), for search tests. */
export async function seededSearchHome(t: TestContext, prefix = 'escher-cli-search-'): Promise<string> {
  const home = await tempDir(t, prefix);
  const script = path.join(home, 'stop.sh');
  await fs.writeFile(script, '#!/bin/sh\naws rds stop-db-instance\n');
  for (const args of [
    ['--name', 'Weekend RDS shutdown', '--description', 'Stop the Postgres databases on Friday evening', '--cloud', 'aws', '--resource-types', 'rds', '--script', `shell=${script}`],
    ['--name', 'Rotate IAM access keys', '--description', 'New access keys for service users', '--cloud', 'aws', '--resource-types', 'iam'],
    ['--name', 'Restart AKS node pool', '--description', 'Reboot Kubernetes nodes one by one', '--cloud', 'azure', '--resource-types', 'aks'],
  ]) {
    const r = await runCli(home, ['create', ...args]);
    assert.equal(r.code, 0, r.stderr);
  }
  return home;
}
