import * as vscode from 'vscode';
import type { SearchHit } from '../../core/local-search/hybrid-ranker';
import { CLOUD_PROVIDERS, SCRIPT_FORMATS } from '../../core/playbook-store/metadata';
import type { CommandContext } from '../commands/command-context';
import { describe } from '../commands/error-actions';
import { hitToItem, searchErrorMessage } from './search-items';
import { parseSearchInput, withFilter } from './search-input';

type ResultItem = vscode.QuickPickItem & { hit?: SearchHit };

const CLOUD_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('cloud'), tooltip: 'Filter by cloud' };
const FORMAT_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('file-code'), tooltip: 'Filter by script format' };

/**
 * The semantic search quick pick: results update as you type (debounced), ranked by the core's
 * hybrid search (keywords + meaning), each saying why it matched. Filters are `cloud:`,
 * `format:`, `area:` tokens, typed or inserted by the title buttons. Choosing a result offers
 * open / resolve / run / publish. Stale answers (the user kept typing) are dropped.
 */
export async function showSearchQuickPick(ctx: CommandContext, debounceMs: number): Promise<void> {
  const qp = vscode.window.createQuickPick<ResultItem>();
  qp.title = 'Search Playbooks';
  qp.placeholder = 'Describe what you want to do, e.g. "shut down db weekend" — filters: cloud:aws format:shell area:synced';
  qp.matchOnDescription = false;
  qp.matchOnDetail = false;
  qp.buttons = [CLOUD_BUTTON, FORMAT_BUTTON];
  qp.ignoreFocusOut = true;
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;

  const run = async (value: string) => {
    const mine = ++seq;
    const parsed = parseSearchInput(value);
    if (parsed.query === '') {
      qp.items = [];
      qp.busy = false;
      return;
    }
    qp.busy = true;
    try {
      const svc = await ctx.service();
      const res = await svc.search.searchLocalPlaybooks(parsed.query, { limit: 30, cloud: parsed.cloud, format: parsed.format, area: parsed.area });
      if (mine !== seq) return;
      const items: ResultItem[] = res.hits.map((h) => ({ ...hitToItem(h), alwaysShow: true }));
      if (items.length === 0) items.push({ label: '$(search-stop) No matching playbooks', description: 'try other words, or fewer filters', alwaysShow: true });
      if (res.warnings.length) items.push({ label: `$(warning) ${res.warnings.join('; ')}`, alwaysShow: true });
      qp.items = items;
    } catch (e) {
      if (mine !== seq) return;
      ctx.log.error(`search: ${describe(e)}`);
      const model = (await ctx.service().catch(() => undefined))?.config.search.embeddingModel ?? '';
      qp.items = [{ label: `$(error) ${searchErrorMessage(describe(e), model)}`, alwaysShow: true }];
    } finally {
      if (mine === seq) qp.busy = false;
    }
  };

  const chosen = await new Promise<SearchHit | undefined>((resolve) => {
    qp.onDidChangeValue((v) => {
      clearTimeout(timer);
      timer = setTimeout(() => void run(v), debounceMs);
    });
    qp.onDidTriggerButton(async (b) => {
      const isCloud = b === CLOUD_BUTTON;
      const options = isCloud ? CLOUD_PROVIDERS : SCRIPT_FORMATS;
      const pick = await vscode.window.showQuickPick(['(any)', ...options], { title: isCloud ? 'Cloud' : 'Script format' });
      if (pick === undefined) return qp.show();
      qp.value = withFilter(qp.value, isCloud ? 'cloud' : 'format', pick === '(any)' ? undefined : pick);
      qp.show();
      void run(qp.value);
    });
    qp.onDidAccept(() => {
      const hit = qp.selectedItems[0]?.hit;
      if (hit) {
        resolve(hit);
        qp.hide();
      }
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  clearTimeout(timer);
  qp.dispose();
  if (chosen) await offerActions(ctx, chosen);
}

async function offerActions(ctx: CommandContext, hit: SearchHit): Promise<void> {
  const ref = { playbookId: hit.playbook_id, version: hit.version, area: hit.area };
  const actions = [
    { label: '$(json) Open metadata.json', value: 'escher.openMetadata' },
    { label: '$(go-to-file) Resolve Script…', value: 'escher.resolveScript' },
    ...(ctx.ui.isTrusted() ? [{ label: '$(terminal) Run in Terminal…', value: 'escher.runInTerminal' }] : [{ label: '$(shield) Run in Terminal… (needs a trusted workspace)', value: 'escher.runInTerminal' }]),
    ...(hit.area === 'local' ? [{ label: '$(cloud-upload) Publish…', value: 'escher.publish' }] : []),
    ...(hit.area === 'ai-generated' ? [{ label: '$(check) Accept', value: 'escher.acceptAiPlaybook' }] : []),
  ];
  const command = await ctx.ui.pick(actions, { title: `${hit.name} (${hit.playbook_id} v${hit.version})`, placeholder: 'What do you want to do with it?' });
  if (command) await ctx.ui.executeCommand(command, ref);
}
