// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g

/** Removes control characters from names that strangers chose (torrent names, paths). */
export const stripControlCharacters = (text: string): string => text.replace(CONTROL_CHARACTERS, '')

export const hasControlCharacters = (text: string): boolean => stripControlCharacters(text) !== text
