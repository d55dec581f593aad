/**
 * What the app's pages and its service worker agree on. The worker is built alone, without imports
 * (see vite.config.ts), so the build hands it these values; pages import them.
 */
export const WORKER_PROTOCOL = {
  /** The message a page sends to have the shell stored for offline starts. */
  keepShell: 'swarmdrop:keep-shell',
  /** The cache where files shared to the app wait until its page takes them. */
  sharedFilesCache: 'swarmdrop-shared-files',
  /** The name, beside a share's numbered files in that cache, of a link shared rather than files. */
  sharedLink: 'link',
  /** Where the share target posts (the manifest's `share_target.action`). */
  shareTargetPath: '/share-target',
} as const
