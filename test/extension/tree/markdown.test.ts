import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import type { PlaybookSummary } from '../../../src/core/playbook-store/types';
import { FileNode } from '../../../src/extension/tree/file-node';
import { escapeMd } from '../../../src/extension/tree/markdown';
import { PlaybookNode } from '../../../src/extension/tree/playbook-node';
import type { PlaybookTreeModel } from '../../../src/extension/tree/playbook-tree-model';
import type { VersionNode } from '../../../src/extension/tree/version-node';
import { ATTACKS, RAW_DANGER } from '../../helpers/terminal-attacks';

/**
 * Tooltips are Markdown. Text from metadata or the server (names, descriptions, review comments,
 * sync errors) must show literally: rendered by a CommonMark renderer with every option that could
 * turn text into markup switched on (raw HTML, bare-URL links, typographer), it yields text only.
 */
const md = new MarkdownIt({ html: true, linkify: true, typographer: false });
const MARKUP = /<(?!\/?p>|br>|code>|\/code>|strong>|\/strong>|em>|\/em>)[a-z/]/i;

function rendered(markdown: string): string {
  return md.render(markdown);
}

/** The text a reader sees: tags removed, entities decoded. */
function visible(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .trim();
}

const HOSTILE_MD = [
  '[click me](https://evil.example/steal)',
  '![x](https://evil.example/pixel.png)',
  '<img src=x onerror=alert(1)>',
  'see https://evil.example and www.evil.example',
  '**bold** _it_ `code` ~~strike~~',
  '# Heading',
  '- list item',
  '1. numbered',
  '&lt;b&gt; &#96;entity&#96;',
  '| a | b |\n|---|---|',
  '[ref]\n\n[ref]: https://evil.example',
  'trailing backslash \\',
];

test('escaped text renders as exactly that text, with no markup, for Markdown attacks and terminal escapes', () => {
  for (const s of HOSTILE_MD) {
    const html = rendered(escapeMd(s));
    assert.doesNotMatch(html, /<(a|img|h\d|li|ul|ol|table|code|strong|em|s|del)\b/, `${s} -> ${html}`);
    assert.equal(visible(html), s.replace(/\n/g, '\\n'), s);
  }
  for (const [what, s] of Object.entries(ATTACKS)) assert.doesNotMatch(rendered(escapeMd(s)), RAW_DANGER, what);
});

test('property: any mix of Markdown punctuation, escaped, renders with no markup at all', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom(...'[]()<>!*_`~#-+=|\\&;:/.@ ab1\n'), maxLength: 40 }), (s) => {
      const html = rendered(escapeMd(s));
      assert.doesNotMatch(html, MARKUP, `${JSON.stringify(s)} -> ${html}`);
      assert.doesNotMatch(html, /<(strong|em|code)>/, `${JSON.stringify(s)} -> ${html}`);
    }),
    { numRuns: 2000 },
  );
});

const summary: PlaybookSummary = {
  playbook_id: 'rds-stop',
  version: '1.0.0',
  versions: ['1.0.0'],
  area: 'synced',
  name: '[Stop RDS](https://evil.example)',
  description: 'Stops RDS.\n\n<img src=x onerror=alert(1)>\n# not a heading',
  keywords: [],
  cloud_provider: 'aws',
  resource_types: ['**rds**'],
  storage_strategy: 'uploaded_for_review',
  source: 'user',
  formats: ['shell'],
  updated_at: '2026-01-01T00:00:00.000Z',
  content_hash: 'a'.repeat(64),
};

test("a playbook's tooltip: name, description, resource types and the server's review comment stay text", () => {
  const node = new PlaybookNode(summary, { phase: 'synced', review: 'rejected', reviewComment: 'see [the fix](command:workbench.action.terminal.new) \u001b]52;c;eA==\u0007' }, undefined, {} as PlaybookTreeModel);
  const html = rendered(node.resolveTooltip());
  assert.doesNotMatch(html, /<(a|img|h\d)\b/, html);
  assert.doesNotMatch(html, RAW_DANGER);
  assert.match(visible(html), /\[Stop RDS\]\(https:\/\/evil\.example\)/);
  assert.match(visible(html), /Rejected by a reviewer: see \[the fix\]\(command:workbench\.action\.terminal\.new\) \\x1b\]52;c;eA==\\x07\./);
  // Our own markup still works: the name in bold, the state line in italics.
  assert.match(html, /<strong>\[Stop RDS\]/);
  assert.match(html, /<em>Rejected by a reviewer/);
});

test("a file's tooltip shows its path literally", () => {
  const parent = { playbookId: 'rds-stop', version: '1.0.0', dir: '/home/x/[a](https:evil)/_b_/v1.0.0' } as unknown as VersionNode;
  const item = new FileNode(parent, '/home/x/[a](https:evil)/_b_/v1.0.0/shell/stop.sh', 'shell/stop.sh', 'shell', false).getTreeItem();
  const html = rendered(item.tooltip ?? '');
  assert.doesNotMatch(html, /<(a|em|strong)\b/, html);
  assert.equal(visible(html), '/home/x/[a](https:evil)/_b_/v1.0.0/shell/stop.sh');
});
