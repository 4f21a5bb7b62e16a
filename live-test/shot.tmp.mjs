import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';
const home = '/tmp/live-shot/home';
const child = spawn('java', ['-Xmx1g', '-jar', '/work/wt-live/cli/target/sluice.jar', 'local', '--home', home, '--rate', '100',
  '--kafka-port', '29092', '--registry-port', '28081', '--postgres-port', '25433', '--http-port', '28080'], { stdio: 'inherit' });
await new Promise((r) => setTimeout(r, 200_000));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
await page.goto('http://localhost:28080/');
await new Promise((r) => setTimeout(r, 4000));
await page.click('#query-run');
await new Promise((r) => setTimeout(r, 2000));
await page.screenshot({ path: '/tmp/live-shot/live-page.png', fullPage: true });
const t0 = Date.now(); await page.goto('http://localhost:28080/'); console.log('reload ms', Date.now() - t0);
await browser.close();
child.kill('SIGTERM');
