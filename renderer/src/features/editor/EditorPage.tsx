import { EmptyState } from '../../components/EmptyState';
import { LinkButton } from '../../components/LinkButton';
import { Page } from '../../components/Page';

export function EditorPage() {
  return (
    <Page
      title="Editor"
      description="Move a LoRA along directions learned from your collection — more painterly, less saturated, closer to your taste — with a strength slider and a preview."
    >
      <EmptyState
        icon="editor"
        title="Pick a LoRA to reshape"
        action={<LinkButton to="/library">Open the Library</LinkButton>}
      >
        Choose a LoRA in the Library to open it here. Edits are saved as a new file; the original is never
        changed.
      </EmptyState>
    </Page>
  );
}
