import type Database from 'better-sqlite3';
import { AtelierError } from '../api';
import { isUniqueViolation } from './sqlite-errors';

/** What the store keeps of a weight space; the vectors themselves are in `filePath`. */
export interface StoredSpace {
  readonly id: number;
  readonly name: string;
  readonly baseModel: string;
  readonly layers: string;
  readonly standardize: string;
  readonly memberCount: number;
  readonly components: number;
  readonly dimension: number;
  readonly moduleCount: number;
  readonly explainedVariance: number;
  readonly filePath: string;
  readonly fileBytes: number;
  /** JSON the service owns: cumulative variance, reconstruction, timings. */
  readonly details: unknown;
  readonly createdAt: string;
  readonly directionCount: number;
}

export interface NewSpace extends Omit<StoredSpace, 'id' | 'createdAt' | 'directionCount'> {
  readonly members: readonly NewSpaceMember[];
}

export interface NewSpaceMember {
  readonly path: string;
  readonly name: string;
  readonly tensorHash: string;
  readonly loraFileId: number | null;
}

export interface StoredSpaceMember extends NewSpaceMember {
  readonly position: number;
}

export interface NewDirection {
  readonly spaceId: number;
  readonly name: string;
  readonly method: string;
  readonly positive: readonly string[];
  readonly negative: readonly string[];
  readonly positiveCount: number;
  readonly negativeCount: number;
  /** Null when a class has too few members to cross-validate. */
  readonly accuracy: number | null;
  readonly folds: number;
  readonly debias: readonly string[];
  readonly unit: number;
  /** Classifier normal (m values). */
  readonly weights: Float64Array;
  /** Unit edit direction in coefficient space, debiased (m values). */
  readonly edit: Float64Array;
  readonly bias: number;
  readonly calibration: { readonly a: number; readonly b: number };
  /** Members' coefficients along `edit` (N values). */
  readonly projections: Float64Array;
  /** +1 positive, −1 negative, 0 unlabeled, per member. */
  readonly labels: Int8Array;
}

export interface StoredDirection extends NewDirection {
  readonly id: number;
  readonly createdAt: string;
}

interface SpaceRow {
  id: number;
  name: string;
  base_model: string;
  layer_set: string;
  standardize: string;
  member_count: number;
  components: number;
  dimension: number;
  module_count: number;
  explained_variance: number;
  file_path: string;
  file_bytes: number;
  details: string;
  created_at: string;
  direction_count: number;
}

interface DirectionRow {
  id: number;
  space_id: number;
  name: string;
  method: string;
  positive: string;
  negative: string;
  positive_count: number;
  negative_count: number;
  accuracy: number | null;
  folds: number;
  debias: string;
  unit: number;
  weights: Buffer;
  edit: Buffer;
  bias: number;
  calibration_a: number;
  calibration_b: number;
  projections: Buffer;
  labels: Buffer;
  created_at: string;
}

const SPACE_COLUMNS = `s.id, s.name, s.base_model, s.layer_set, s.standardize, s.member_count, s.components,
  s.dimension, s.module_count, s.explained_variance, s.file_path, s.file_bytes, s.details, s.created_at,
  (SELECT count(*) FROM w2w_directions d WHERE d.space_id = s.id) AS direction_count`;

function toSpace(row: SpaceRow): StoredSpace {
  return {
    id: row.id,
    name: row.name,
    baseModel: row.base_model,
    layers: row.layer_set,
    standardize: row.standardize,
    memberCount: row.member_count,
    components: row.components,
    dimension: row.dimension,
    moduleCount: row.module_count,
    explainedVariance: row.explained_variance,
    filePath: row.file_path,
    fileBytes: row.file_bytes,
    details: JSON.parse(row.details) as unknown,
    createdAt: row.created_at,
    directionCount: row.direction_count,
  };
}

/** A BLOB as float64 values; copied, since better-sqlite3's buffers need not be 8-aligned. */
function float64s(blob: Buffer): Float64Array {
  const out = new Float64Array(blob.byteLength / 8);
  new Uint8Array(out.buffer).set(blob);
  return out;
}

function blobOf(values: Float64Array | Int8Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

function toDirection(row: DirectionRow): StoredDirection {
  return {
    id: row.id,
    spaceId: row.space_id,
    name: row.name,
    method: row.method,
    positive: JSON.parse(row.positive) as string[],
    negative: JSON.parse(row.negative) as string[],
    positiveCount: row.positive_count,
    negativeCount: row.negative_count,
    accuracy: row.accuracy,
    folds: row.folds,
    debias: JSON.parse(row.debias) as string[],
    unit: row.unit,
    weights: float64s(row.weights),
    edit: float64s(row.edit),
    bias: row.bias,
    calibration: { a: row.calibration_a, b: row.calibration_b },
    projections: float64s(row.projections),
    labels: new Int8Array(Uint8Array.from(row.labels).buffer),
    createdAt: row.created_at,
  };
}

/** Weight spaces, their members and directions. */
export class SqliteW2wRepository {
  constructor(private readonly connection: Database.Database) {}

  listSpaces(): StoredSpace[] {
    const rows = this.connection
      .prepare<[], SpaceRow>(`SELECT ${SPACE_COLUMNS} FROM w2w_spaces s ORDER BY s.name`)
      .all();
    return rows.map(toSpace);
  }

  findSpace(name: string): StoredSpace | undefined {
    const row = this.connection
      .prepare<[string], SpaceRow>(`SELECT ${SPACE_COLUMNS} FROM w2w_spaces s WHERE s.name = ?`)
      .get(name);
    return row && toSpace(row);
  }

  /** The space by name, or NOT_FOUND naming the spaces there are. */
  getSpace(name: string): StoredSpace {
    const space = this.findSpace(name);
    if (space) return space;
    const names = this.listSpaces().map((s) => s.name);
    throw new AtelierError(
      'NOT_FOUND',
      names.length === 0
        ? `There is no weight space “${name}”: build one first (w2w build).`
        : `There is no weight space “${name}”. Spaces: ${names.join(', ')}.`,
    );
  }

  members(spaceId: number): StoredSpaceMember[] {
    return this.connection
      .prepare<
        [number],
        { position: number; path: string; name: string; tensor_hash: string; lora_file_id: number | null }
      >(
        `SELECT position, path, name, tensor_hash, lora_file_id FROM w2w_space_members
         WHERE space_id = ? ORDER BY position`,
      )
      .all(spaceId)
      .map((row) => ({
        position: row.position,
        path: row.path,
        name: row.name,
        tensorHash: row.tensor_hash,
        loraFileId: row.lora_file_id,
      }));
  }

  /** Stores a space (replacing one of the same name when `replace`), members included, in one transaction. */
  saveSpace(space: NewSpace, replace: boolean): StoredSpace {
    const run = this.connection.transaction(() => {
      if (replace) this.connection.prepare('DELETE FROM w2w_spaces WHERE name = ?').run(space.name);
      const { id } = this.connection
        .prepare<unknown[], { id: number }>(
          `INSERT INTO w2w_spaces (name, base_model, layer_set, standardize, member_count, components,
             dimension, module_count, explained_variance, file_path, file_bytes, details)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        )
        .get(
          space.name,
          space.baseModel,
          space.layers,
          space.standardize,
          space.memberCount,
          space.components,
          space.dimension,
          space.moduleCount,
          space.explainedVariance,
          space.filePath,
          space.fileBytes,
          JSON.stringify(space.details ?? {}),
        )!;
      const insert = this.connection.prepare(
        `INSERT INTO w2w_space_members (space_id, position, path, name, tensor_hash, lora_file_id)
         VALUES (?, ?, ?, ?, ?, ?)`,
      );
      space.members.forEach((m, position) =>
        insert.run(id, position, m.path, m.name, m.tensorHash, m.loraFileId),
      );
      return id;
    });
    try {
      run();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new AtelierError(
          'ALREADY_EXISTS',
          `A weight space “${space.name}” exists; pick another name or replace it (--overwrite).`,
        );
      }
      throw error;
    }
    return this.getSpace(space.name);
  }

  removeSpace(name: string): boolean {
    return this.connection.prepare('DELETE FROM w2w_spaces WHERE name = ?').run(name).changes > 0;
  }

  directions(spaceId: number): StoredDirection[] {
    return this.connection
      .prepare<[number], DirectionRow>('SELECT * FROM w2w_directions WHERE space_id = ? ORDER BY name')
      .all(spaceId)
      .map(toDirection);
  }

  findDirection(spaceId: number, name: string): StoredDirection | undefined {
    const row = this.connection
      .prepare<[number, string], DirectionRow>('SELECT * FROM w2w_directions WHERE space_id = ? AND name = ?')
      .get(spaceId, name);
    return row && toDirection(row);
  }

  saveDirection(direction: NewDirection, replace: boolean): StoredDirection {
    const d = direction;
    const run = this.connection.transaction(() => {
      if (replace) {
        this.connection
          .prepare('DELETE FROM w2w_directions WHERE space_id = ? AND name = ?')
          .run(d.spaceId, d.name);
      }
      this.connection
        .prepare(
          `INSERT INTO w2w_directions (space_id, name, method, positive, negative, positive_count,
             negative_count, accuracy, folds, debias, unit, weights, edit, bias, calibration_a,
             calibration_b, projections, labels)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          d.spaceId,
          d.name,
          d.method,
          JSON.stringify(d.positive),
          JSON.stringify(d.negative),
          d.positiveCount,
          d.negativeCount,
          d.accuracy,
          d.folds,
          JSON.stringify(d.debias),
          d.unit,
          blobOf(d.weights),
          blobOf(d.edit),
          d.bias,
          d.calibration.a,
          d.calibration.b,
          blobOf(d.projections),
          blobOf(d.labels),
        );
    });
    try {
      run();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new AtelierError(
          'ALREADY_EXISTS',
          `The space already has a direction “${d.name}”; pick another name or replace it (--overwrite).`,
        );
      }
      throw error;
    }
    return this.findDirection(d.spaceId, d.name)!;
  }

  /** The library's record of a file, by path. */
  libraryFile(
    filePath: string,
  ): { id: number; tensorHash: string | null; sha256: string | null } | undefined {
    const row = this.connection
      .prepare<[string], { id: number; tensor_hash: string | null; sha256: string | null }>(
        'SELECT id, tensor_hash, sha256 FROM lora_files WHERE path = ?',
      )
      .get(filePath);
    return row && { id: row.id, tensorHash: row.tensor_hash, sha256: row.sha256 };
  }

  /**
   * Library LoRAs a user likes: linked to an image the user reacted to, or to an image of theirs
   * (a local image is one the artist generated).
   */
  likedLoraFileIds(userId: number): number[] {
    return this.connection
      .prepare<[number, number], { id: number }>(
        `SELECT il.lora_file_id AS id FROM reactions r JOIN image_loras il ON il.image_id = r.image_id
           WHERE r.user_id = ? AND il.lora_file_id IS NOT NULL
         UNION
         SELECT il.lora_file_id FROM images i JOIN image_loras il ON il.image_id = i.id
           WHERE i.user_id = ? AND i.source = 'local' AND il.lora_file_id IS NOT NULL`,
      )
      .all(userId, userId)
      .map((row) => row.id);
  }

  recordEdit(edit: {
    spaceId: number | null;
    sourceLoraFileId: number | null;
    strengths: unknown;
    outputPath: string;
  }): void {
    this.connection
      .prepare(
        'INSERT INTO w2w_edits (space_id, source_lora_file_id, strengths, output_path) VALUES (?, ?, ?, ?)',
      )
      .run(edit.spaceId, edit.sourceLoraFileId, JSON.stringify(edit.strengths), edit.outputPath);
  }
}
