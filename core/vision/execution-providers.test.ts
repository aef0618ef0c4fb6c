import { describe, expect, it } from 'vitest';
import { detectExecutionProviders } from './execution-providers';

describe('detectExecutionProviders', () => {
  it('finds the CPU provider of the installed onnxruntime-node on this machine', () => {
    const info = detectExecutionProviders();
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    const cpu = info.providers.find((p) => p.name === 'cpu');
    expect(cpu?.available).toBe(true);
  });

  it('explains how to get CUDA when its provider files are missing on Linux x64', () => {
    const cuda = detectExecutionProviders('linux', 'x64').providers.find((p) => p.name === 'cuda');
    // The project installs with onnxruntime-node-install=skip, so the CUDA files are absent here.
    expect(cuda?.available).toBe(false);
    expect(cuda?.reason).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12');
  });

  it('offers DirectML only on Windows and CoreML only on macOS', () => {
    const onLinux = detectExecutionProviders('linux', 'x64').providers;
    expect(onLinux.find((p) => p.name === 'dml')?.available).toBe(false);
    expect(onLinux.find((p) => p.name === 'coreml')?.available).toBe(false);
    const onWindows = detectExecutionProviders('win32', 'x64').providers;
    expect(onWindows.find((p) => p.name === 'dml')?.available).toBe(true);
    const onMac = detectExecutionProviders('darwin', 'arm64').providers;
    expect(onMac.find((p) => p.name === 'coreml')?.available).toBe(true);
  });
});
