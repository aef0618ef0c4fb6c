import type { IconName } from '../components/Icon';

export const navigation = [
  { to: '/library', label: 'Library', icon: 'library' },
  { to: '/images', label: 'Images', icon: 'image' },
  { to: '/profile', label: 'Profile', icon: 'profile' },
  { to: '/feed', label: 'Feed', icon: 'feed' },
  { to: '/editor', label: 'Editor', icon: 'editor' },
  { to: '/models', label: 'Models', icon: 'models' },
  { to: '/stats', label: 'Stats', icon: 'stats' },
  { to: '/settings', label: 'Settings', icon: 'settings' },
] as const satisfies readonly { to: string; label: string; icon: IconName }[];

export type AppPath = (typeof navigation)[number]['to'];
