import type { ErrorCode } from '../../api';

/** What the user was doing when the error came: the same code asks for a different fix in each. */
export type ErrorContext = 'open' | 'reduce';

const openHeadlines: Partial<Record<ErrorCode, string>> = {
  INVALID_LORA_FILE: 'This file cannot be read as a LoRA',
  UNSAFE_FILE_FORMAT: 'Refused without unpickling',
  NOT_A_LORA: 'This file is not a LoRA',
  PATH_NOT_FOUND: 'There is no file at this path',
  PATH_UNREADABLE: 'Atelier is not allowed to read this file',
  INVALID_INPUT: 'This path cannot be opened',
};

const reduceHeadlines: Partial<Record<ErrorCode, string>> = {
  OUTPUT_EXISTS: 'A file with this name exists — choose another name',
  PATH_NOT_WRITABLE: 'Atelier cannot write there — choose another folder',
  PATH_NOT_FOUND: 'The output folder does not exist — choose another folder',
  INVALID_LORA_FILE: 'This LoRA cannot be reduced: part of it is unreadable',
  UNSAFE_FILE_FORMAT: 'Refused without unpickling',
  NOT_A_LORA: 'This file has no LoRA weights to reduce',
  INVALID_INPUT: 'These settings cannot be used',
};

/** A short line that says what went wrong in the user's terms; the engine's message below it says what to do. */
export function errorHeadline(code: ErrorCode, context: ErrorContext): string {
  const headline = (context === 'open' ? openHeadlines : reduceHeadlines)[code];
  if (headline) return headline;
  return context === 'open' ? 'This file could not be opened' : 'The reduction could not start';
}

/** Which reduce field an error is about, so it can be marked invalid. */
export function errorField(code: ErrorCode): 'name' | 'folder' | null {
  switch (code) {
    case 'OUTPUT_EXISTS':
      return 'name';
    case 'PATH_NOT_WRITABLE':
    case 'PATH_NOT_FOUND':
      return 'folder';
    default:
      return null;
  }
}
