import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandLineFor, placeholdersIn, shellQuote } from '../../../src/extension/commands/run-command-line';

test('command lines quote paths for a POSIX shell, so a hostile file name cannot inject', () => {
  assert.equal(shellQuote('/home/u/.escher/run.sh'), '/home/u/.escher/run.sh');
  assert.equal(shellQuote("/tmp/it's here; rm -rf ~"), `'/tmp/it'\\''s here; rm -rf ~'`);
  assert.equal(commandLineFor('shell', '/a b/run.sh', 'x'), "bash '/a b/run.sh'");
  assert.equal(commandLineFor('python', '/p/run.py', 'x'), 'python3 /p/run.py');
  assert.equal(commandLineFor('terraform', '/p/terraform/main.tf', 'x'), 'terraform -chdir=/p/terraform init -input=false && terraform -chdir=/p/terraform plan');
  assert.equal(commandLineFor('cloudformation', '/p/t.yaml', 'stack-1'), 'aws cloudformation deploy --template-file /p/t.yaml --stack-name stack-1');
  assert.match(commandLineFor('arm', '/p/t.json', 'x'), /AZURE_RESOURCE_GROUP:\?/);
});

test('placeholders are found once each, with or without a default', () => {
  assert.deepEqual(placeholdersIn('a {{db}} b {{ db }} {{region | eu-west-1}} {{ 9bad }} {{{x}}}'), ['db', 'region', 'x']);
  assert.deepEqual(placeholdersIn('echo ${HOME} $PATH'), []);
});
