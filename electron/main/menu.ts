import { Menu } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  /** Opens the data folder (database, caches, exports) in the file manager. */
  readonly showDataFolder: () => void;
}

export interface MenuContext {
  readonly platform: NodeJS.Platform;
  readonly appName: string;
  /** Development builds keep the reload and DevTools items; the packaged app hides them. */
  readonly isDev: boolean;
}

/** The application menu, with the standard roles each platform's users expect. */
export function menuTemplate(context: MenuContext, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = context.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: context.appName,
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  template.push(
    {
      label: 'File',
      submenu: [mac ? { role: 'close' } : { role: 'quit' }],
    },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        ...(mac ? ([{ role: 'pasteAndMatchStyle' }] as const) : []),
        { role: 'delete' },
        { type: 'separator' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        ...(context.isDev
          ? ([
              { role: 'reload' },
              { role: 'forceReload' },
              { role: 'toggleDevTools' },
              { type: 'separator' },
            ] as const)
          : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      role: 'window',
      submenu: [
        { role: 'minimize' },
        { role: 'zoom' },
        ...(mac ? ([{ type: 'separator' }, { role: 'front' }] as const) : ([{ role: 'close' }] as const)),
      ],
    },
    {
      role: 'help',
      submenu: [
        { label: 'Show Data Folder', click: () => actions.showDataFolder() },
        ...(mac ? [] : ([{ type: 'separator' }, { role: 'about' }] as const)),
      ],
    },
  );
  return template;
}

export function installMenu(context: MenuContext, actions: MenuActions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(context, actions)));
}
