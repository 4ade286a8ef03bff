/**
 * The extension's questions (lib/content/dialog.ts) live in a closed shadow root, which Playwright's
 * locators cannot enter (by design: the page cannot either). The browser's accessibility tree sees
 * them, as a screen reader would: read it over CDP, and answer with the keyboard (real key events).
 */
import type { Page } from 'playwright-core';

export interface SeenDialog {
  /** The alertdialog's accessible name (its question). */
  name: string;
  buttons: string[];
}

interface AxNode {
  nodeId: string;
  parentId?: string;
  role?: { value?: string };
  name?: { value?: string };
  childIds?: string[];
  ignored?: boolean;
}

/** The alertdialog on the page, from the accessibility tree; undefined when none is shown. */
export async function alertDialog(page: Page): Promise<SeenDialog | undefined> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AxNode[] };
    const byId = new Map(nodes.map((n) => [n.nodeId, n]));
    const dialog = nodes.find((n) => n.role?.value === 'alertdialog' && !n.ignored);
    if (!dialog) return undefined;
    const buttons: string[] = [];
    const walk = (id: string) => {
      const node = byId.get(id);
      if (!node) return;
      if (node.role?.value === 'button') buttons.push(node.name?.value ?? '');
      for (const child of node.childIds ?? []) walk(child);
    };
    walk(dialog.nodeId);
    return { name: dialog.name?.value ?? '', buttons };
  } finally {
    await cdp.detach();
  }
}

/** Answers the question: Cancel has the focus first; Tab moves to the other button. */
export async function answerDialog(page: Page, answer: 'confirm' | 'cancel'): Promise<void> {
  if (answer === 'confirm') await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
}
