import { EmptyState } from '../../components/EmptyState';
import { LinkButton } from '../../components/LinkButton';
import { Page } from '../../components/Page';

export function StatsPage() {
  return (
    <Page
      title="Stats"
      description="Figures about your dataset: LoRAs by base model, images per LoRA, reactions over time, and how well the feed predicts what you like."
    >
      <EmptyState
        icon="stats"
        title="Dataset figures will appear here"
        action={<LinkButton to="/settings">Add a folder in Settings</LinkButton>}
      >
        Numbers start once Atelier has indexed a folder of LoRAs or images.
      </EmptyState>
    </Page>
  );
}
