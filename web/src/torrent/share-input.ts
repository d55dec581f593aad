/** A file picked or dropped by a person, with its path inside the shared folder (if any). */
export type ShareInput = { file: File; path: string }
