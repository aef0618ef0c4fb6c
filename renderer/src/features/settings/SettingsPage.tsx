import { Page } from '../../components/Page';
import { Panel } from '../../components/Panel';
import { AboutPanel } from './AboutPanel';
import { AddFolderForm } from './AddFolderForm';
import { DatabasePanel } from './DatabasePanel';
import { FolderList } from './FolderList';
import { PreferencesForm } from './PreferencesForm';

export function SettingsPage() {
  return (
    <Page
      title="Settings"
      description="The folders Atelier reads, how it runs on this machine, and where it keeps your data."
    >
      <Panel
        title="Folders"
        description="Add a ComfyUI install to bring all of its LoRA folders, or add LoRA and image folders one by one."
      >
        <FolderList />
        <AddFolderForm />
      </Panel>
      <Panel title="Preferences">
        <PreferencesForm />
      </Panel>
      <DatabasePanel />
      <AboutPanel />
    </Page>
  );
}
