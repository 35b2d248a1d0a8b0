/** Debian's chromium driven headless through puppeteer-core, with a fresh profile and no network features. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export interface Loaded {
  page: Page;
  /** URLs the page requested besides the document itself. */
  requests: string[];
  /** Dialogs (alert/confirm/prompt) the page opened. */
  dialogs: string[];
  close(): Promise<void>;
}

let browser: Browser | undefined;
let profile: string | undefined;

export async function openBrowser(): Promise<Browser> {
  if (browser) return browser;
  profile = mkdtempSync(join(tmpdir(), 'distdiff-chromium-'));
  browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
    ],
  });
  return browser;
}

export async function closeBrowser(): Promise<void> {
  await browser?.close();
  browser = undefined;
  if (profile) rmSync(profile, { recursive: true, force: true });
}

/** Load a file and record what it asks for beyond itself. */
export async function load(file: string): Promise<Loaded> {
  const b = await openBrowser();
  const page = await b.newPage();
  const requests: string[] = [];
  const dialogs: string[] = [];
  const url = 'file://' + file;
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.setViewport({ width: 1200, height: 900 });
  await page.goto(url, { waitUntil: 'load' });
  return { page, requests, dialogs, close: () => page.close() };
}
