import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({
  Menu: { setApplicationMenu: vi.fn(), buildFromTemplate: vi.fn((t: unknown) => t) },
}));

const { menuTemplate } = await import('./menu');
type Item = Electron.MenuItemConstructorOptions;

const actions = { showDataFolder: vi.fn() };
const labels = (template: Item[]) => template.map((item) => item.label ?? item.role);
const roles = (item: Item | undefined) =>
  (item?.submenu as Item[]).map((entry) => entry.role ?? entry.label ?? entry.type);

describe('menuTemplate', () => {
  it('has File, Edit, View, Window and Help on Windows and Linux', () => {
    const template = menuTemplate({ platform: 'linux', appName: 'Atelier', isDev: false }, actions);
    expect(labels(template)).toEqual(['File', 'Edit', 'View', 'window', 'help']);
    expect(roles(template[0])).toEqual(['quit']);
    expect(roles(template[1])).toEqual(
      expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']),
    );
  });

  it('puts the app menu first on macOS, with quit there and close under File', () => {
    const template = menuTemplate({ platform: 'darwin', appName: 'Atelier', isDev: false }, actions);
    expect(labels(template)).toEqual(['Atelier', 'File', 'Edit', 'View', 'window', 'help']);
    expect(roles(template[0])).toEqual(expect.arrayContaining(['about', 'hide', 'quit']));
    expect(roles(template[1])).toEqual(['close']);
    expect(roles(template[4])).toContain('front');
  });

  it('offers reload and DevTools only in development', () => {
    const view = (isDev: boolean) =>
      roles(menuTemplate({ platform: 'linux', appName: 'Atelier', isDev }, actions)[2]);
    expect(view(false)).not.toContain('toggleDevTools');
    expect(view(true)).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
  });

  it('opens the data folder from Help', () => {
    const template = menuTemplate({ platform: 'linux', appName: 'Atelier', isDev: false }, actions);
    const item = (template.at(-1)?.submenu as Item[]).find((entry) => entry.label === 'Show Data Folder');
    (item?.click as () => void)();
    expect(actions.showDataFolder).toHaveBeenCalled();
  });
});
