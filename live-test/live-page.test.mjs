// Browser test of the live page: starts a real `sluice local` (demo shop, no generated load so every change seen is
// the test's own), opens its page in Debian's chromium through playwright-core and checks what a user would see:
// every stage green; a row inserted in the source shows up in its table's warehouse count and the revenue chart
// within 5 s; a replication slot dropped under sluice's feet turns ingest red with its sentence. Saves screenshots.
//
//   node live-page.test.mjs            (after `mvn -B verify` or `mvn -B -DskipTests package` built cli/target/sluice.jar)
//
// SLUICE_JAR, CHROMIUM (default /usr/bin/chromium) and LIVE_TEST_OUT (default ./out) override the defaults.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const jar = process.env.SLUICE_JAR || path.join(here, '..', 'cli', 'target', 'sluice.jar');
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';
const out = process.env.LIVE_TEST_OUT || path.join(here, 'out');
const STARTUP_MS = 240_000;
const CHANGE_MS = 5_000; // the bar: a source change is on the page within 5 s

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const step = (text) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${text}`);

function fail(text) {
  throw new Error(text);
}

/** Starts `sluice local` and resolves with the page URL it prints. */
function startSluice(home, ports) {
  const args = ['-Xmx1g', '-jar', jar, 'local', '--home', home, '--rate', '0', '--status-interval', '30s',
    '--kafka-port', ports.kafka, '--registry-port', ports.registry, '--postgres-port', ports.postgres,
    '--http-port', ports.http].map(String);
  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.output = '';
  const collect = (chunk) => { child.output += chunk; };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  child.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sluice local printed no live page URL within ${STARTUP_MS / 1000} s:\n`
      + child.output.slice(-3000))), STARTUP_MS);
    const look = () => {
      const m = child.output.match(/Live page\s+(http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', look);
    child.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`sluice local exited (code ${code}) before it printed the live page URL:\n${child.output.slice(-3000)}`));
    });
  });
  return { child, url };
}

/** One order with one line, ordered now: a change to orders and order_items, and revenue in the current minute. */
async function insertOrder(db, id, quantity, unitPrice) {
  await db.query('BEGIN');
  await db.query(`INSERT INTO orders (id, customer_id, status, total, created_at, updated_at)
                  VALUES ($1, (SELECT min(id) FROM customers), 'paid', $2, now(), now())`, [id, quantity * unitPrice]);
  await db.query(`INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price)
                  VALUES ($1, 1, (SELECT min(id) FROM products), $2, $3)`, [id, quantity, unitPrice]);
  await db.query('COMMIT');
}

const warehouseRows = (page, table) => page.$eval(`#tables tr[data-table="${table}"] td.warehouse-rows`,
  (td) => td.textContent.replace(/[^0-9]/g, '')).then((t) => (t === '' ? 0 : Number(t))).catch(() => 0);
const revenueTotal = (page) => page.$eval('#revenue-chart', (el) => Number(el.dataset.total || 0)).catch(() => 0);

async function main() {
  if (!existsSync(jar)) fail(`${jar} does not exist; build it first: mvn -B -DskipTests package`);
  if (!existsSync(browserPath)) fail(`${browserPath} does not exist; install Debian's chromium (apt-get install -y chromium) or set CHROMIUM`);
  mkdirSync(out, { recursive: true });
  const home = mkdtempSync(path.join(os.tmpdir(), 'sluice-live-test-'));
  const ports = { kafka: await freePort(), registry: await freePort(), postgres: await freePort(), http: await freePort() };
  step(`starting sluice local (home ${home}, ports ${JSON.stringify(ports)})`);
  const { child, url } = startSluice(home, ports);
  let browser;
  let db;
  let passed = false;
  try {
    const pageUrl = await url;
    step(`live page at ${pageUrl}`);
    browser = await chromium.launch({ executablePath: browserPath, headless: true, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(pageUrl);

    // every stage green: the 4 of replication, the registry and the demo's 3 pipelines
    await page.waitForFunction(() => {
      const stages = [...document.querySelectorAll('#stages .stage')];
      return stages.length >= 7 && stages.every((s) => s.dataset.health === 'ok');
    }, null, { timeout: 120_000 });
    const stages = await page.$$eval('#stages .stage', (els) => els.map((e) => e.dataset.stage));
    step(`every stage green: ${stages.join(', ')}`);
    const nodes = await page.$$eval('#graph .node', (els) => els.map((e) => e.dataset.state));
    if (nodes.length < 20 || nodes.some((s) => s !== 'ok')) fail(`the pipeline picture is not all green: ${nodes}`);

    db = new pg.Client({ host: 'localhost', port: ports.postgres, user: 'postgres', database: 'shop' });
    db.on('error', () => {}); // sluice local stops its demo database when it stops: the connection ends then
    await db.connect();
    // a first order creates the warehouse tables and the revenue chart; the timed change comes after it
    await insertOrder(db, 900_000_001, 1, 10);
    await page.waitForFunction(() => {
      const td = document.querySelector('#tables tr[data-table="order_items"] td.warehouse-rows');
      return td && td.textContent.trim() === '1' && Number(document.querySelector('#revenue-chart').dataset.total) > 0;
    }, null, { timeout: 60_000 });
    const rowsBefore = await warehouseRows(page, 'order_items');
    const revenueBefore = await revenueTotal(page);
    step(`before: order_items has ${rowsBefore} row(s) in the warehouse, the chart shows revenue ${revenueBefore}`);

    const started = Date.now();
    await insertOrder(db, 900_000_002, 3, 7.25);
    await page.waitForFunction(([rows, revenue]) => {
      const td = document.querySelector('#tables tr[data-table="order_items"] td.warehouse-rows');
      const total = Number(document.querySelector('#revenue-chart').dataset.total);
      return td && Number(td.textContent.replace(/[^0-9]/g, '')) === rows && Math.abs(total - revenue) < 0.005;
    }, [rowsBefore + 1, revenueBefore + 21.75], { timeout: CHANGE_MS }).catch(async () => {
      fail(`within ${CHANGE_MS / 1000} s of the insert the page did not show order_items at ${rowsBefore + 1} rows and revenue `
        + `${revenueBefore + 21.75}; it shows ${await warehouseRows(page, 'order_items')} rows and ${await revenueTotal(page)}`);
    });
    step(`the insert reached the page in ${Date.now() - started} ms: order_items ${rowsBefore} -> ${rowsBefore + 1} rows,`
      + ` revenue ${revenueBefore} -> ${await revenueTotal(page)}`);

    // an order breaking the orders spec's checks is quarantined: the page lists it with its rule, filtered per table
    await db.query(`INSERT INTO orders (id, customer_id, status, total, created_at, updated_at)
                    VALUES (900000003, (SELECT min(id) FROM customers), 'lost', 5, now(), now())`);
    await page.waitForSelector('#problems tbody tr[data-table="orders"]', { timeout: 30_000 });
    const problem = await page.textContent('#problems tbody tr[data-table="orders"]');
    if (!problem.includes('quarantine') || !problem.includes('status')) fail(`the quarantined order shows as: ${problem}`);
    await page.click('#tables tr[data-table="customers"] button.problem-filter');
    await page.waitForSelector('#problems-empty:not([hidden])', { timeout: 5_000 });
    await page.click('#problem-filter-clear');
    await page.waitForSelector('#problems tbody tr[data-table="orders"]', { timeout: 5_000 });
    step(`quarantined order listed: ${problem.replace(/\s+/g, ' ').trim()}`);

    // the query box answers a SELECT and refuses a write with its sentence
    await page.fill('#query-text', 'SELECT count(*) AS n FROM order_items WHERE NOT __deleted');
    await page.click('#query-run');
    await page.waitForSelector('#query-result td', { timeout: 10_000 });
    const n = await page.$eval('#query-result td', (td) => td.textContent);
    if (Number(n) !== rowsBefore + 1) fail(`the query box counted ${n} order_items, expected ${rowsBefore + 1}`);
    await page.fill('#query-text', 'DELETE FROM orders');
    await page.click('#query-run');
    await page.waitForSelector('#query-error:not([hidden])', { timeout: 10_000 });
    const refusal = await page.textContent('#query-error');
    if (!refusal.includes('only reads the warehouse')) fail(`the query box did not refuse DELETE as expected: ${refusal}`);
    step(`query box: SELECT answered ${n}; DELETE refused: "${refusal}"`);
    await page.fill('#query-text', 'SELECT category, region, sum(revenue) AS revenue FROM revenue WHERE NOT __deleted GROUP BY 1, 2 ORDER BY 3 DESC');
    await page.click('#query-run');
    await page.waitForSelector('#query-result td', { timeout: 10_000 });
    await page.screenshot({ path: path.join(out, 'live-page.png'), fullPage: true });
    step(`screenshot: ${path.join(out, 'live-page.png')}`);

    // a DBA drops the replication slot: ingest fails, and the page says so before sluice stops
    await db.query(`SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE active_pid IS NOT NULL`);
    for (let i = 0; i < 60; i++) {
      const dropped = await db.query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
                                      WHERE slot_name = 'sluice' AND NOT active`);
      if (dropped.rowCount > 0) break;
      await db.query(`SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE active_pid IS NOT NULL`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await page.waitForSelector('#stages .stage[data-stage="ingest"][data-health="failed"] .detail', { timeout: 60_000 });
    const sentence = await page.textContent('#stages .stage[data-stage="ingest"] .detail');
    if (!sentence || sentence.trim().length < 10) fail(`ingest turned red without a sentence: "${sentence}"`);
    const red = await page.$eval('#graph .node[data-node="src:public.orders"]', (g) => g.dataset.state);
    if (red !== 'failed') fail(`the source table's node is ${red}, not failed`);
    step(`ingest is red: "${sentence.trim()}"`);
    await page.screenshot({ path: path.join(out, 'live-page-failed.png'), fullPage: true });
    const code = await Promise.race([child.exited, new Promise((r) => setTimeout(() => r('still running'), 60_000))]);
    if (code !== 1) fail(`sluice local should stop with exit code 1 after its stage failed; it ${code === 'still running' ? 'still runs' : 'exited with ' + code}`);
    step('sluice local stopped with exit code 1, as a failed stage makes it');
    passed = true;
    console.log('live page test passed');
  } finally {
    if (!passed) console.error(`sluice local's output (last lines):\n${child.output.slice(-4000)}`);
    const atMost = (promise, ms) => Promise.race([promise.catch(() => {}), new Promise((r) => setTimeout(r, ms))]);
    if (db) await atMost(db.end(), 2_000); // its server may be gone: do not wait for a goodbye
    if (browser) await atMost(browser.close(), 10_000);
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([child.exited, new Promise((r) => setTimeout(r, 30_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(home, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(`live page test FAILED: ${e.message}`);
  process.exit(1);
});
