import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../../src/app.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { newPhone, registerAccount, testConfig, whoAmI } from '../helpers/app.js';
import { keyValueStoreConformance } from './key-value-store.conformance.js';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A real 3-node Redis Cluster on loopback ports, formed by redis-server and redis-cli for
 * this test and torn down after it. Runs where Redis is part of the setup (REDIS_URL set).
 */
if (process.env.REDIS_URL) {
  describe('Redis Cluster (3 nodes on loopback)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-cluster-'));
    const nodes: ChildProcess[] = [];
    const seeds: string[] = [];
    let counter = 0;

    before(async () => {
      for (let i = 0; i < 3; i++) {
        const port = await freePort();
        const nodeDir = path.join(dir, String(port));
        fs.mkdirSync(nodeDir);
        const node = spawn(
          'redis-server',
          [
            '--port',
            String(port),
            '--bind',
            '127.0.0.1',
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
          ],
          { cwd: nodeDir, stdio: 'ignore' },
        );
        nodes.push(node);
        seeds.push(`127.0.0.1:${port}`);
      }
      for (const seed of seeds) {
        const port = Number(seed.split(':')[1]);
        for (let i = 0; i < 100; i++) {
          try {
            execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'pipe' });
            break;
          } catch {
            await sleep(50);
          }
        }
      }
      execFileSync(
        'redis-cli',
        ['--cluster', 'create', ...seeds, '--cluster-replicas', '0', '--cluster-yes'],
        {
          stdio: 'pipe',
        },
      );
      for (let i = 0; i < 100; i++) {
        const info = execFileSync('redis-cli', [
          '-p',
          seeds[0]?.split(':')[1] ?? '',
          'cluster',
          'info',
        ]).toString();
        if (info.includes('cluster_state:ok')) return;
        await sleep(100);
      }
      throw new Error('the cluster did not become ready');
    });

    after(async () => {
      for (const node of nodes) node.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const open = () => {
      counter += 1;
      return RedisStore.connect({
        url: 'redis://127.0.0.1',
        clusterNodes: seeds,
        keyPrefix: `cluster:${process.pid}:${counter}:`,
        commandTimeoutMs: 2000,
        connectTimeoutMs: 5000,
      });
    };

    it('spreads keys over the three nodes and reads them back through any of them', async () => {
      const store = await open();
      try {
        for (let i = 0; i < 30; i++) await store.set(`spread-${i}`, String(i), 60_000);
        for (let i = 0; i < 30; i++) assert.equal(await store.get(`spread-${i}`), String(i));
        const perNode = seeds.map((seed) =>
          Number(
            execFileSync('redis-cli', ['-p', seed.split(':')[1] ?? '', 'dbsize'])
              .toString()
              .trim(),
          ),
        );
        assert.ok(
          perNode.every((n) => n > 0),
          `keys per node: ${perNode.join(', ')}`,
        );
      } finally {
        await store.close();
      }
    });

    it('serves the whole registration when REDIS_CLUSTER_NODES points the app at it', async () => {
      const app = await buildApp(
        testConfig({ REDIS_URL: 'redis://127.0.0.1', REDIS_CLUSTER_NODES: seeds.join(',') }),
      );
      try {
        const session = await registerAccount(app, newPhone());
        assert.equal((await whoAmI(app, session)).json().re_code, '0');
      } finally {
        await app.close();
      }
    });

    keyValueStoreConformance({
      name: 'RedisStore on a Redis Cluster',
      open,
      wait: async (ms) => {
        await sleep(ms);
      },
      shortTtlMs: 250,
    });
  });
}
