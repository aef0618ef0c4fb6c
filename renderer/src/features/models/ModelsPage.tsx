import { EmptyState } from '../../components/EmptyState';
import { LinkButton } from '../../components/LinkButton';
import { Page } from '../../components/Page';

export function ModelsPage() {
  return (
    <Page
      title="Models"
      description="The models Atelier runs on this machine: CLIP to understand images, a vision‑language model to describe them, and SDXL for previews."
    >
      <EmptyState
        icon="models"
        title="Models to download will be listed here"
        action={
          <LinkButton to="/settings" primary={false}>
            See this machine in Settings
          </LinkButton>
        }
      >
        Each entry will show its size, what it unlocks, and a download button. Settings › About shows which
        execution providers this machine can use.
      </EmptyState>
    </Page>
  );
}
