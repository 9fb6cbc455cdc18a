import type { Browser } from 'playwright-core';
import { launch } from '../browser/browser';

/** What a test prints on a card: lines of text, the first larger (the name). */
export interface CardText {
  lines: string[];
}

const escape = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * Photos of business cards for the tests: each card drawn by Chromium as HTML (black text on
 * white, 1050×600, a business card at 300 dpi) and taken as a PNG. One browser for a file's cards.
 */
export class CardPrinter {
  private browser?: Browser;

  /** `scale` 3 makes a photo as a phone's camera does: 3150×1800 px. */
  async png(card: CardText, scale = 1): Promise<Buffer> {
    this.browser ??= await launch();
    const page = await this.browser.newPage({
      viewport: { width: 1050, height: 600 },
      deviceScaleFactor: scale,
    });
    try {
      const [name, ...rest] = card.lines;
      await page.setContent(`<!doctype html><html><body style="margin:0;background:#fff">
        <div style="width:1050px;height:600px;padding:60px 70px;box-sizing:border-box;
                    font-family:'DejaVu Sans','Noto Sans CJK SC',sans-serif;color:#000">
          <div style="font-size:56px;font-weight:bold;margin-bottom:30px">${escape(name)}</div>
          ${rest.map((l) => `<div style="font-size:36px;line-height:1.45">${escape(l)}</div>`).join('')}
        </div></body></html>`);
      return await page.screenshot({ type: 'png' });
    } finally {
      await page.close();
    }
  }

  async close(): Promise<void> {
    await this.browser?.close();
  }
}
