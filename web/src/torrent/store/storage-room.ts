/*
 * Room in the browser's storage for this origin, and asking the browser to keep it. Both are optional
 * APIs (StorageManager): where one is missing, nothing is known and nothing is asked.
 */

/** Bytes this origin may still store, or null where the browser does not say. */
export async function storageFree(): Promise<number | null> {
  if (!navigator.storage?.estimate) return null
  try {
    const { usage = 0, quota } = await navigator.storage.estimate()
    return quota === undefined ? null : Math.max(0, quota - usage)
  } catch {
    return null
  }
}

/**
 * Asks the browser not to clear this origin's storage when space runs low. Firefox asks the person,
 * so the app asks only when it matters (a stored copy of a share, a large download), never on load.
 */
export async function requestPersistence(): Promise<boolean> {
  if (!navigator.storage?.persist) return false
  try {
    return (await navigator.storage.persisted?.()) || (await navigator.storage.persist())
  } catch {
    return false
  }
}
