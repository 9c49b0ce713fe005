import type { TestContext } from 'node:test';
import type { Workbench } from './workbench';

export type Step = (name: string, fn: () => Promise<void>) => Promise<void>;

/**
 * One user-visible step as a subtest: a screenshot when it passes (named after the step), and on
 * failure a FAILED- screenshot plus the code lenses in the DOM (the part of VS Code 1.99 that
 * most often needs a second look).
 */
export function stepper(t: TestContext, wb: () => Workbench): Step {
  return async (name, fn) => {
    const slug = name.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 80);
    await t.test(name, async () => {
      try {
        await fn();
        await wb().screenshot(slug);
      } catch (e) {
        await wb().screenshot(`FAILED-${slug}`).catch(() => {});
        t.diagnostic(`code lens DOM: ${await wb().page.evaluate(`document.querySelectorAll('.monaco-editor').length + ' editors; ' + [...document.querySelectorAll('.codelens-decoration')].map((e) => (e.closest('.monaco-editor') && e.closest('.monaco-editor').getAttribute('data-uri')) + ' ' + e.outerHTML.slice(0, 300)).join(' ---- ')`)}`);
        throw e;
      }
    });
  };
}
