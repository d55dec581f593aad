import type { Page } from '@playwright/test'

const SLOW_STEP_MS = 600_000

/** Shares a file from a page showing the app; resolves once it is seeding, with its link and how long that took. */
export async function shareFile(page: Page, path: string): Promise<{ link: string; shareMs: number }> {
  const dropAt = Date.now()
  await page.getByTestId('file-input').setInputFiles(path)
  await page.locator('[data-status="seeding"]').waitFor({ timeout: SLOW_STEP_MS })
  const shareMs = Date.now() - dropAt
  return { link: await page.getByTestId('share-link').inputValue(), shareMs }
}

/** Opens a share link and resolves with the milliseconds until everything has arrived. */
export async function downloadMs(page: Page, link: string): Promise<number> {
  const openAt = Date.now()
  await page.goto(link)
  await page.locator('[data-status="done"]').waitFor({ timeout: SLOW_STEP_MS })
  return Date.now() - openAt
}
