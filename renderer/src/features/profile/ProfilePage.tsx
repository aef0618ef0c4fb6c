import { EmptyState } from '../../components/EmptyState';
import { LinkButton } from '../../components/LinkButton';
import { Page } from '../../components/Page';

export function ProfilePage() {
  return (
    <Page
      title="Profile"
      description="A plain-text description of your taste that Atelier learns from the images you react to. You can read it, edit it, and see what changed it."
    >
      <EmptyState
        icon="profile"
        title="Your taste profile will appear here"
        action={<LinkButton to="/feed">Go to the Feed</LinkButton>}
      >
        React to a handful of images in the Feed — like, skip, or say why — and Atelier will write its first
        profile from them.
      </EmptyState>
    </Page>
  );
}
