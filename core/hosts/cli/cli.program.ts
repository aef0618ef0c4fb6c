import { Command, Option } from 'commander';
import type { OutputConfiguration } from 'commander';
import { methodNames, methods } from '../../api';
import type { MethodName } from '../../api';
import { coerceOption, optionsOf } from './options';

export interface GlobalOptions {
  json?: boolean;
  dataDir?: string;
}

export interface CliActions {
  invoke(method: MethodName, input: Record<string, unknown>, globals: GlobalOptions): Promise<void>;
  serve(options: { port?: string; open?: boolean }, globals: GlobalOptions): Promise<void>;
}

/**
 * Builds the `atelier` command tree from the contract: `atelier <group> <name>` for every method
 * (`folders add <path>`), plus aliases such as `atelier status`. Host-only commands (`serve`) are
 * the only hand-written ones.
 */
export function buildProgram(actions: CliActions, output?: OutputConfiguration): Command {
  const program = new Command('atelier')
    .description('Atelier — learn what an artist likes and reshape their SDXL LoRAs toward it.')
    .option('--json', 'print machine-readable JSON')
    .option('--data-dir <path>', 'data folder (default: the app data folder, or ATELIER_DATA_DIR)')
    .showHelpAfterError()
    .exitOverride();
  // Set before adding commands: subcommands copy their parent's settings when created.
  if (output) program.configureOutput(output);

  const groups = new Map<string, Command>();
  for (const name of methodNames) {
    const [group, verb] = name.split('.') as [string, string];
    let parent = groups.get(group);
    if (!parent) {
      parent = program.command(group).description(`${group} commands`);
      groups.set(group, parent);
    }
    addMethodCommand(parent, verb, name, actions);
    for (const alias of methods[name].cli?.aliases ?? []) addMethodCommand(program, alias, name, actions);
  }

  program
    .command('serve')
    .description('Serve the Atelier UI and API in your browser on 127.0.0.1 (token-protected).')
    .option('--port <port>', 'port to listen on (default: a free one)')
    .action(async (options: { port?: string }, command: Command) => {
      await actions.serve(options, command.optsWithGlobals<GlobalOptions>());
    });
  return program;
}

function addMethodCommand(
  parent: Command,
  commandName: string,
  method: MethodName,
  actions: CliActions,
): void {
  const spec = methods[method];
  const { args, argTypes, options } = optionsOf(spec);
  const command = parent.command(commandName).description(spec.summary).exitOverride();
  args.forEach((arg, i) => {
    // An array argument is variadic (`w2w build <loras...>`) and may be left out for its default.
    if (argTypes[i] === 'array') command.argument(`[${arg}...]`);
    else command.argument(`<${arg}>`);
  });
  const attributes = new Map<string, string>();
  for (const option of options) {
    // Booleans work as bare flags (`--overwrite`) and still take an explicit `--follow-symlinks false`.
    // A list option takes several values (`--tag a b`), except where the command has positional
    // arguments: there it would swallow them, so it repeats instead (`--direction a=1 --direction b=2 <lora>`).
    const repeated = option.type === 'array' && args.length > 0;
    const placeholder =
      option.type === 'array' && !repeated
        ? `<${option.field}...>`
        : option.type === 'boolean'
          ? '[true|false]'
          : `<${option.field}>`;
    const flag = new Option(`${option.flag} ${placeholder}`, option.description);
    if (repeated) flag.argParser((value: string, previous: unknown) => [...((previous as string[] | undefined) ?? []), value]);
    if (option.choices) flag.choices(option.choices);
    if (option.required) flag.makeOptionMandatory();
    command.addOption(flag);
    attributes.set(option.field, flag.attributeName());
  }
  command.action(async (...received: unknown[]) => {
    const self = received.at(-1) as Command;
    const values = self.opts<Record<string, unknown>>();
    const input: Record<string, unknown> = {};
    args.forEach((arg, i) => {
      const type = argTypes[i] ?? 'string';
      const option = { field: arg, flag: '', description: '', type, required: true };
      const value = received[i];
      if (type === 'array' && (!Array.isArray(value) || value.length === 0)) return;
      input[arg] = coerceOption(option, value);
    });
    for (const option of options) {
      const value = values[attributes.get(option.field) ?? option.field];
      if (value !== undefined) input[option.field] = coerceOption(option, value);
    }
    await actions.invoke(method, input, self.optsWithGlobals<GlobalOptions>());
  });
}

/** Every method's command path, for the parity test and `--help`. */
export function commandPaths(program: Command): string[] {
  const paths: string[] = [];
  const walk = (command: Command, prefix: string[]) => {
    for (const child of command.commands) {
      const path = [...prefix, child.name()];
      if (child.commands.length === 0) paths.push(path.join(' '));
      walk(child, path);
    }
  };
  walk(program, []);
  return paths;
}
