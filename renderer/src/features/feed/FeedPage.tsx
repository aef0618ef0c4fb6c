import { EmptyState } from '../../components/EmptyState';
import { LinkButton } from '../../components/LinkButton';
import { Page } from '../../components/Page';

export function FeedPage() {
  return (
    <Page
      title="Feed"
      description="Images and LoRAs ranked by how well they match your profile, with a few surprises mixed in so it keeps learning."
    >
      <EmptyState
        icon="feed"
        title="Ranked images and LoRAs will appear here"
        action={<LinkButton to="/settings">Add a folder in Settings</LinkButton>}
      >
        The feed needs something to rank. Add the folders that hold your LoRAs and generated images, and they
        will show here once indexed.
      </EmptyState>
    </Page>
  );
}
