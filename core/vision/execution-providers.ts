import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ExecutionProviderStatus } from '../api';

const require = createRequire(import.meta.url);

export interface OnnxRuntimeInfo {
  readonly version: string | null;
  readonly providers: ExecutionProviderStatus[];
}

/**
 * What onnxruntime-node can run on here, told from the installed package without loading a model:
 * its version, which provider libraries it ships for this platform, and whether the optional CUDA
 * provider files were installed (`ONNXRUNTIME_NODE_INSTALL=cuda12 npm install`).
 */
export function detectExecutionProviders(
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): OnnxRuntimeInfo {
  let packageDir: string;
  let version: string | null = null;
  try {
    const manifestPath = require.resolve('onnxruntime-node/package.json');
    packageDir = path.dirname(manifestPath);
    version = (require(manifestPath) as { version?: string }).version ?? null;
  } catch {
    return {
      version: null,
      providers: [
        { name: 'cpu', available: false, reason: 'onnxruntime-node is not installed; run npm install.' },
      ],
    };
  }
  const binDir = path.join(packageDir, 'bin', 'napi-v6', platform, arch);
  const has = (file: string) => existsSync(path.join(binDir, file));
  const hasCpu = has('onnxruntime_binding.node');

  const cudaFiles = has('libonnxruntime_providers_cuda.so') && has('libonnxruntime_providers_shared.so');
  const cuda: ExecutionProviderStatus =
    platform !== 'linux' || arch !== 'x64'
      ? { name: 'cuda', available: false, reason: 'CUDA is offered by onnxruntime-node on Linux x64 only.' }
      : cudaFiles
        ? {
            name: 'cuda',
            available: true,
            reason: 'CUDA provider installed; needs CUDA 12 and cuDNN 9 on the system.',
          }
        : {
            name: 'cuda',
            available: false,
            reason:
              'CUDA provider files are not installed: run `ONNXRUNTIME_NODE_INSTALL=cuda12 npm install`.',
          };
  const dml: ExecutionProviderStatus =
    platform === 'win32' && has('DirectML.dll')
      ? { name: 'dml', available: true, reason: 'DirectML ships with onnxruntime-node on Windows.' }
      : { name: 'dml', available: false, reason: 'DirectML is available on Windows only.' };
  const coreml: ExecutionProviderStatus =
    platform === 'darwin' && hasCpu
      ? { name: 'coreml', available: true, reason: 'CoreML is built into onnxruntime-node on macOS.' }
      : { name: 'coreml', available: false, reason: 'CoreML is available on macOS only.' };
  const cpu: ExecutionProviderStatus = hasCpu
    ? { name: 'cpu', available: true, reason: 'Always available.' }
    : { name: 'cpu', available: false, reason: `onnxruntime-node has no binary for ${platform}/${arch}.` };
  return { version, providers: [cuda, dml, coreml, cpu] };
}
