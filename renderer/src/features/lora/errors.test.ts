import { describe, expect, it } from 'vitest';
import { errorField, errorHeadline } from './errors';

describe('errorHeadline', () => {
  it('says what went wrong in the terms of what the user was doing', () => {
    expect(errorHeadline('UNSAFE_FILE_FORMAT', 'open')).toBe('Refused without unpickling');
    expect(errorHeadline('PATH_NOT_FOUND', 'open')).toBe('There is no file at this path');
    expect(errorHeadline('PATH_NOT_FOUND', 'reduce')).toMatch(/output folder/);
    expect(errorHeadline('OUTPUT_EXISTS', 'reduce')).toBe(
      'A file with this name exists — choose another name',
    );
  });

  it('falls back to a plain line for codes with no special wording', () => {
    expect(errorHeadline('INTERNAL', 'open')).toBe('This file could not be opened');
    expect(errorHeadline('INTERNAL', 'reduce')).toBe('The reduction could not start');
  });
});

describe('errorField', () => {
  it('points at the field to change', () => {
    expect(errorField('OUTPUT_EXISTS')).toBe('name');
    expect(errorField('PATH_NOT_WRITABLE')).toBe('folder');
    expect(errorField('INVALID_LORA_FILE')).toBeNull();
  });
});
