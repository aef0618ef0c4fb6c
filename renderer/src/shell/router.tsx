import {
  createHashHistory,
  createRootRoute,
  createRoute,
  createRouter,
  Link,
  redirect,
} from '@tanstack/react-router';
import { EditorPage } from '../features/editor/EditorPage';
import { FeedPage } from '../features/feed/FeedPage';
import { parseImagesSearch } from '../features/images/images.search';
import { ImagesPage } from '../features/images/ImagesPage';
import { parseLibrarySearch } from '../features/library/library.search';
import { LibraryPage } from '../features/library/LibraryPage';
import { LoraPage } from '../features/lora/LoraPage';
import { ModelsPage } from '../features/models/ModelsPage';
import { ProfilePage } from '../features/profile/ProfilePage';
import { SettingsPage } from '../features/settings/SettingsPage';
import { StatsPage } from '../features/stats/StatsPage';
import { Shell } from './Shell';
import styles from './Shell.module.css';

const rootRoute = createRootRoute({ component: Shell, notFoundComponent: NotFound });

const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  beforeLoad: () => {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- TanStack Router redirects by throwing.
    throw redirect({ to: '/library' });
  },
});
const libraryRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/library',
  validateSearch: parseLibrarySearch,
  component: LibraryPage,
});
/** One LoRA file by path; the path sits in the URL so the view survives a reload. */
const loraRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/library/lora',
  validateSearch: (search: Record<string, unknown>): { path: string } => ({
    path: typeof search.path === 'string' || typeof search.path === 'number' ? String(search.path) : '',
  }),
  component: LoraRoute,
});

function LoraRoute() {
  const { path } = loraRoute.useSearch();
  return <LoraPage path={path} />;
}

const imagesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/images',
  validateSearch: parseImagesSearch,
  component: ImagesPage,
});
const profileRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/profile',
  component: ProfilePage,
});
const feedRoute = createRoute({ getParentRoute: () => rootRoute, path: '/feed', component: FeedPage });
const editorRoute = createRoute({ getParentRoute: () => rootRoute, path: '/editor', component: EditorPage });
const modelsRoute = createRoute({ getParentRoute: () => rootRoute, path: '/models', component: ModelsPage });
const statsRoute = createRoute({ getParentRoute: () => rootRoute, path: '/stats', component: StatsPage });
const settingsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/settings',
  component: SettingsPage,
});

const routeTree = rootRoute.addChildren([
  indexRoute,
  libraryRoute,
  loraRoute,
  imagesRoute,
  profileRoute,
  feedRoute,
  editorRoute,
  modelsRoute,
  statsRoute,
  settingsRoute,
]);

/** Hash history: the same build loads from file:// in Electron and from the serve-mode HTTP host. */
export function createAppRouter() {
  return createRouter({ routeTree, history: createHashHistory() });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}

function NotFound() {
  return (
    <div className={styles.notFound}>
      <h1>Nothing here</h1>
      <p>
        <Link to="/library">Go to the Library</Link>
      </p>
    </div>
  );
}
