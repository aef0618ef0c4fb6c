import { getRouteApi } from '@tanstack/react-router';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useMethodQuery } from '../../api';
import { EmptyState } from '../../components/EmptyState';
import { LinkButton } from '../../components/LinkButton';
import { ErrorNotice } from '../../components/Notice';
import { ScanButton } from '../../components/ScanButton';
import { useDebouncedValue } from '../../components/useDebouncedValue';
import { useRefreshOnJobDone } from '../../components/useRefreshOnJobDone';
import { OpenLoraFile } from '../lora/OpenLoraFile';
import { baseChoiceLabel, baseLabel, countLabel } from './library.format';
import { filtersOf, hasFilters, NO_FILTERS, type LibrarySearch, type LoraSort } from './library.search';
import { LoraGrid, useFirstPage } from './LoraGrid';
import { LoraPanel } from './LoraPanel';
import styles from './Library.module.css';

const route = getRouteApi('/library');
const SEARCH_DELAY_MS = 200;

export function LibraryPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const folders = useMethodQuery('folders.list', {});
  const filters = useMemo(() => filtersOf(search), [search]);
  const first = useFirstPage(filters);
  useRefreshOnJobDone(['loras.list', 'loras.get', 'loras.bases', 'folders.list']);

  const setSearch = useCallback(
    (patch: Partial<LibrarySearch>, replace = true) =>
      void navigate({ search: (previous) => ({ ...previous, ...patch }), replace }),
    [navigate],
  );
  const open = useCallback((id: number) => setSearch({ lora: id }, false), [setSearch]);
  const close = useCallback(() => setSearch({ lora: undefined }), [setSearch]);

  const total = first.data?.total;
  const filtered = hasFilters(search);
  const noFolders = folders.data !== undefined && folders.data.length === 0 && total === 0;
  // Before the first scan there is nothing to search: the empty state is the whole page.
  const nothingYet = total === 0 && !filtered;

  return (
    <div className={styles.page}>
      <header className={styles.header}>
        <div>
          <h1>Library</h1>
          <p className={styles.intro}>
            Every LoRA in your folders, with its base model, trigger words and the images made with it.
          </p>
        </div>
        {nothingYet ? null : <ScanButton />}
      </header>
      {nothingYet || first.isPending ? null : (
        <Toolbar search={search} setSearch={setSearch} total={total} fetching={first.isPlaceholderData} />
      )}
      {first.error ? (
        <ErrorNotice error={first.error} />
      ) : first.isPending || folders.isPending ? (
        <p className="hint">Loading the library…</p>
      ) : noFolders ? (
        <NoFolders />
      ) : total === 0 ? (
        filtered ? (
          <EmptyState
            icon="library"
            title="No LoRAs match"
            action={
              <button type="button" className="button" onClick={() => setSearch(NO_FILTERS)}>
                Clear filters
              </button>
            }
          >
            Nothing in your library matches these filters. Try fewer words, another base model or tag.
          </EmptyState>
        ) : (
          <NotScanned folderCount={folders.data?.length ?? 0} />
        )
      ) : first.data ? (
        <LoraGrid filters={filters} first={first.data} selectedId={search.lora} onOpen={open} />
      ) : null}
      {search.lora !== undefined ? <LoraPanel key={search.lora} id={search.lora} onClose={close} /> : null}
    </div>
  );
}

/** A text field that writes to the URL once typing settles; a URL change from elsewhere (Back, Clear) shows in it. */
function useSettledField(current: string, onSettle: (value: string | undefined) => void) {
  const [text, setText] = useState(current);
  const settled = useDebouncedValue(text.trim(), SEARCH_DELAY_MS);
  const pushed = useRef(settled);
  useEffect(() => {
    if (settled === pushed.current) return;
    pushed.current = settled;
    if (settled !== current) onSettle(settled === '' ? undefined : settled);
  }, [settled, current, onSettle]);
  const [seen, setSeen] = useState(current);
  if (seen !== current) {
    setSeen(current);
    if (current !== text.trim()) setText(current);
  }
  return [text, setText] as const;
}

const SORT_LABELS: Record<LoraSort, string> = { name: 'Name', recent: 'Recently changed', size: 'Largest' };

function Toolbar({
  search,
  setSearch,
  total,
  fetching,
}: {
  search: LibrarySearch;
  setSearch: (patch: Partial<LibrarySearch>) => void;
  total: number | undefined;
  fetching: boolean;
}) {
  const ids = { search: useId(), base: useId(), tag: useId(), sort: useId() };
  const [text, setText] = useSettledField(
    search.q ?? '',
    useCallback((q) => setSearch({ q }), [setSearch]),
  );
  const [tag, setTag] = useSettledField(
    search.tag ?? '',
    useCallback((value) => setSearch({ tag: value }), [setSearch]),
  );
  // The base models the library has (detected from each file's modules), so every choice finds files.
  const bases = useMethodQuery('loras.bases', {});
  const baseOptions = (bases.data?.bases ?? []).map((base) => ({
    value: base.value,
    label: baseChoiceLabel(base.value, base.files),
  }));
  if (search.base !== undefined && !baseOptions.some((option) => option.value === search.base)) {
    baseOptions.push({ value: search.base, label: `${baseLabel(search.base) ?? search.base} (0)` });
  }

  return (
    <div className={styles.toolbar}>
      <div className={styles.searchField}>
        <label htmlFor={ids.search} className="visually-hidden">
          Search LoRAs
        </label>
        <svg className={styles.searchIcon} width="16" height="16" viewBox="0 0 24 24" aria-hidden="true">
          <circle cx="11" cy="11" r="6.5" fill="none" stroke="currentColor" strokeWidth="2" />
          <path d="m16 16 4.5 4.5" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
        <input
          id={ids.search}
          className={`input ${styles.searchInput}`}
          type="search"
          placeholder="Search names, tags, words"
          value={text}
          onChange={(event) => setText(event.target.value)}
          spellCheck={false}
          autoComplete="off"
        />
      </div>
      <label htmlFor={ids.base} className="visually-hidden">
        Base model
      </label>
      <select
        id={ids.base}
        className={`select ${styles.select}`}
        value={search.base ?? ''}
        onChange={(event) => setSearch({ base: event.target.value === '' ? undefined : event.target.value })}
      >
        <option value="">Any base model</option>
        {baseOptions.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <label htmlFor={ids.tag} className="visually-hidden">
        Tag
      </label>
      <input
        id={ids.tag}
        className={`input ${styles.tagInput}`}
        type="text"
        placeholder="Tag"
        value={tag}
        onChange={(event) => setTag(event.target.value)}
        spellCheck={false}
        autoComplete="off"
      />
      <button
        type="button"
        className={`${styles.toggle} ${search.dup ? styles.toggleOn : ''}`}
        aria-pressed={search.dup === true}
        onClick={() => setSearch({ dup: search.dup ? undefined : true })}
      >
        Duplicates only
      </button>
      <label htmlFor={ids.sort} className="visually-hidden">
        Sort by
      </label>
      <select
        id={ids.sort}
        className={`select ${styles.select}`}
        value={search.sort ?? 'name'}
        onChange={(event) => {
          const value = event.target.value;
          setSearch({ sort: value === 'recent' || value === 'size' ? value : undefined });
        }}
      >
        {(Object.keys(SORT_LABELS) as LoraSort[]).map((sort) => (
          <option key={sort} value={sort}>
            {`Sort: ${SORT_LABELS[sort]}`}
          </option>
        ))}
      </select>
      <span className={styles.total} aria-live="polite" data-fetching={fetching || undefined}>
        {total === undefined ? '' : countLabel(total)}
      </span>
    </div>
  );
}

function NoFolders() {
  return (
    <EmptyState
      icon="library"
      title="Your LoRA collection will appear here"
      action={
        <div className={styles.actions}>
          <LinkButton to="/settings">Add a folder in Settings</LinkButton>
          <div className={styles.single}>
            <OpenLoraFile label="Or open a single LoRA file" />
          </div>
        </div>
      }
    >
      Add your ComfyUI or LoRA folder in Settings to begin. Atelier only reads your files; it never moves or
      changes them.
    </EmptyState>
  );
}

function NotScanned({ folderCount }: { folderCount: number }) {
  return (
    <EmptyState
      icon="library"
      title="Scan your folders to build the library"
      action={
        <div className={styles.actions}>
          <div className={styles.emptyButtons}>
            <ScanButton primary />
            <LinkButton to="/settings" primary={false}>
              Manage folders
            </LinkButton>
          </div>
          <div className={styles.single}>
            <OpenLoraFile label="Or open a single LoRA file" />
          </div>
        </div>
      }
    >
      {`Atelier reads ${folderCount === 1 ? '1 folder' : `${folderCount} folders`}. A scan reads each LoRA's header and sidecars (never the whole file first), so even a large collection is browsable in moments.`}
    </EmptyState>
  );
}
