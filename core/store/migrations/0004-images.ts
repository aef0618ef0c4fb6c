import type { Migration } from './migration';

/**
 * What the image library's hot queries need.
 *
 * - The gallery lists newest first within a source (local images or the ImageGem dataset):
 *   (source, created_at) walks that order without a sort.
 * - "Images I hearted" looks reactions up by user and kind; the primary key starts with the image.
 * - LoRA links are made by AutoV2 (Civitai's `Hashes`), which 0001 left unindexed.
 * - Relinking after hashes are known revisits `unmatched` and `file_name` links only.
 */
const sql = /* sql */ `
CREATE INDEX images_source_created_at ON images (source, created_at);
CREATE INDEX reactions_user_id_kind ON reactions (user_id, kind);
CREATE INDEX lora_files_autov2 ON lora_files (autov2);
CREATE INDEX image_loras_match_rule ON image_loras (match_rule, image_id);
`;

const migration: Migration = { version: 4, name: 'images', sql };
export default migration;
