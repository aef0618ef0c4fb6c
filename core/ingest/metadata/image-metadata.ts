import { interpretTexts } from './generation';
import { isJpeg, readJpegContainer } from './jpeg.reader';
import type { ByteSource, ContainerMetadata, ParsedImageMetadata, ReadLimits } from './metadata.types';
import { DEFAULT_READ_LIMITS, problem, textRecord } from './metadata.types';
import { isPng, readPngContainer } from './png.reader';
import { isWebp, readWebpContainer } from './webp.reader';

/** Reads a PNG, JPEG or WebP by its signature (not its extension: savers mislabel files). */
export async function readContainer(
  source: ByteSource,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): Promise<ContainerMetadata> {
  const head = await source.read(0, 12);
  if (isPng(head)) return readPngContainer(source, limits);
  if (isJpeg(head)) return readJpegContainer(source, limits);
  if (isWebp(head)) return readWebpContainer(source, limits);
  return {
    format: null,
    width: null,
    height: null,
    texts: textRecord(),
    problems: [
      problem(
        head.length === 0 ? 'truncated' : 'not_an_image',
        head.length === 0 ? 'The file is empty.' : 'Not a PNG, JPEG or WebP file.',
      ),
    ],
  };
}

/** Container and generation settings of one image file; never throws for bad content. */
export async function readImageMetadata(
  source: ByteSource,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): Promise<ParsedImageMetadata> {
  const container = await readContainer(source, limits);
  const interpreted = interpretTexts(container.texts);
  return {
    container,
    generation: interpreted.generation,
    problems: [...container.problems, ...interpreted.problems],
  };
}
