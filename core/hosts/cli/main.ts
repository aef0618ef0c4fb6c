import { CommanderError } from 'commander';
import path from 'node:path';
import { AtelierError, methods, toWireError } from '../../api';
import type { Job, MethodName } from '../../api';
import { createEngine } from '../../engine';
import type { Engine } from '../../engine.types';
import { resolveDataDir } from '../../app';
import { startHttpHost } from '../http';
import { buildProgram } from './cli.program';
import type { GlobalOptions } from './cli.program';
import { formatHuman } from './format';
import { followJob } from './job-follower';

export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  /** Resolves when the user asks a long-running command (serve) to stop. */
  readonly stopSignal?: Promise<void>;
}

const RENDERER_DIR = path.resolve(import.meta.dirname, '../../../out/renderer');

/** Runs one CLI invocation and returns its exit code: 0 ok, 1 engine error, 2 usage error. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const write = (stream: NodeJS.WritableStream, text: string) =>
    stream.write(text.endsWith('\n') ? text : `${text}\n`);
  const openEngine = (globals: GlobalOptions): Engine =>
    createEngine({ dataDir: resolveDataDir(globals.dataDir, io.env) });

  const reportError = (error: unknown, globals: GlobalOptions) => {
    const wire = toWireError(error);
    if (globals.json) write(io.stdout, JSON.stringify({ ok: false, error: wire }, null, 2));
    write(io.stderr, `error [${wire.code}]: ${wire.message}`);
    exitCode = wire.code === 'INVALID_INPUT' ? 2 : 1;
  };

  const program = buildProgram(
    {
      async invoke(method: MethodName, input, globals) {
        let engine: Engine | undefined;
        try {
          engine = openEngine(globals);
          let value = await engine.invoke(method, input);
          if (methods[method].startsJob) {
            const job = await followJob(engine, value as Job, { bar: !globals.json, stderr: io.stderr });
            value = job;
            if (job.state !== 'done') {
              throw new AtelierError(
                job.state === 'cancelled' ? 'CANCELLED' : 'INTERNAL',
                job.error ?? `Job ${job.state}.`,
              );
            }
          }
          write(io.stdout, globals.json ? JSON.stringify(value, null, 2) : formatHuman(value));
        } catch (error) {
          reportError(error, globals);
        } finally {
          engine?.dispose();
        }
      },
      async serve(options, globals) {
        const engine = openEngine(globals);
        try {
          const port = options.port === undefined ? 0 : Number(options.port);
          if (!Number.isInteger(port) || port < 0 || port > 65535) {
            throw new AtelierError(
              'INVALID_INPUT',
              `--port must be a number from 0 to 65535, not "${options.port}".`,
            );
          }
          const host = await startHttpHost({ engine, port, staticDir: RENDERER_DIR });
          write(
            io.stdout,
            globals.json
              ? JSON.stringify({ url: host.url, port: host.port })
              : `Atelier is serving at ${host.url}`,
          );
          await (io.stopSignal ?? new Promise<void>(() => undefined));
          await host.close();
        } catch (error) {
          reportError(error, globals);
        } finally {
          engine.dispose();
        }
      },
    },
    {
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    },
  );

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    throw error;
  }
  return exitCode;
}
