import { existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ComfyUiLayout } from '../api';

const EXTRA_PATHS_FILE = 'extra_model_paths.yaml';
/** ComfyUI's folder key for LoRAs; A1111-style sections in the example file use the same key. */
const LORA_KEYS = ['loras', 'lora'];

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

/** A ComfyUI root is a folder with `models/loras`, the folder ComfyUI itself lists LoRAs from. */
export function isComfyUiRoot(root: string): boolean {
  return isDirectory(path.join(root, 'models', 'loras'));
}

/**
 * Reads every `loras:` entry of extra_model_paths.yaml the way ComfyUI does: each top-level group may
 * set `base_path` (relative to the yaml file's folder), and a value may list several paths, one a line.
 */
export function readExtraLoraPaths(yamlPath: string): { paths: string[]; warnings: string[] } {
  const warnings: string[] = [];
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(yamlPath, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { paths: [], warnings: [`${EXTRA_PATHS_FILE} could not be read: ${reason}`] };
  }
  if (doc === null || doc === undefined) return { paths: [], warnings };
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    return { paths: [], warnings: [`${EXTRA_PATHS_FILE} is not a mapping of groups; ignored.`] };
  }
  const yamlDir = path.dirname(yamlPath);
  const paths: string[] = [];
  for (const [group, value] of Object.entries(doc as Record<string, unknown>)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      warnings.push(`Group "${group}" in ${EXTRA_PATHS_FILE} is not a mapping; ignored.`);
      continue;
    }
    const entries = value as Record<string, unknown>;
    const basePath = typeof entries.base_path === 'string' ? entries.base_path.trim() : '';
    const base = basePath ? path.resolve(yamlDir, expandHome(basePath)) : yamlDir;
    for (const key of LORA_KEYS) {
      const raw = entries[key];
      if (raw === undefined) continue;
      if (typeof raw !== 'string') {
        warnings.push(`"${group}.${key}" in ${EXTRA_PATHS_FILE} is not a path; ignored.`);
        continue;
      }
      for (const line of raw.split('\n')) {
        const entry = line.trim();
        if (entry) paths.push(path.resolve(base, expandHome(entry)));
      }
    }
  }
  return { paths, warnings };
}

/** Where a ComfyUI install keeps its LoRAs, or null when `root` is not one. Reads only; never writes. */
export function detectComfyUiLayout(root: string): ComfyUiLayout | null {
  const resolved = path.resolve(root);
  if (!isComfyUiRoot(resolved)) return null;
  const loraFolders = [path.join(resolved, 'models', 'loras')];
  const outputFolder = isDirectory(path.join(resolved, 'output')) ? path.join(resolved, 'output') : null;
  if (outputFolder && isDirectory(path.join(outputFolder, 'loras')))
    loraFolders.push(path.join(outputFolder, 'loras'));

  const yamlPath = path.join(resolved, EXTRA_PATHS_FILE);
  const warnings: string[] = [];
  let extraModelPathsFile: string | null = null;
  if (existsSync(yamlPath)) {
    extraModelPathsFile = yamlPath;
    const extra = readExtraLoraPaths(yamlPath);
    warnings.push(...extra.warnings);
    for (const folder of extra.paths) {
      if (loraFolders.includes(folder)) continue;
      if (!isDirectory(folder))
        warnings.push(`LoRA folder from ${EXTRA_PATHS_FILE} does not exist: ${folder}`);
      loraFolders.push(folder);
    }
  }
  return { root: resolved, loraFolders, outputFolder, extraModelPathsFile, warnings };
}
