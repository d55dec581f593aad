/** How the app can show a file inline. */
export type MediaKind = 'video' | 'audio' | 'image' | 'pdf' | 'text'

const KIND_BY_EXTENSION: Record<string, MediaKind> = {
  mp4: 'video',
  m4v: 'video',
  webm: 'video',
  mkv: 'video',
  mov: 'video',
  ogv: 'video',
  mp3: 'audio',
  m4a: 'audio',
  aac: 'audio',
  ogg: 'audio',
  oga: 'audio',
  opus: 'audio',
  wav: 'audio',
  flac: 'audio',
  weba: 'audio',
  png: 'image',
  jpg: 'image',
  jpeg: 'image',
  gif: 'image',
  webp: 'image',
  avif: 'image',
  svg: 'image',
  bmp: 'image',
  pdf: 'pdf',
  txt: 'text',
  md: 'text',
  csv: 'text',
  json: 'text',
  log: 'text',
  srt: 'text',
  vtt: 'text',
}

export function mediaKindOf(fileName: string): MediaKind | null {
  const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase()
  return (extension && KIND_BY_EXTENSION[extension]) || null
}

export const isPlayable = (kind: MediaKind | null): kind is 'video' | 'audio' => kind === 'video' || kind === 'audio'
