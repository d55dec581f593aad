import { useEffect, useState } from 'react'

/** The first bytes of a text file are enough for a preview and stream like everything else. */
const PREVIEW_BYTES = 64 * 1024

export function TextPreview({ url }: { url: string }) {
  const [text, setText] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    const controller = new AbortController()
    fetch(url, { headers: { Range: `bytes=0-${PREVIEW_BYTES - 1}` }, signal: controller.signal })
      .then((response) => {
        if (!response.ok) throw new Error(`the file could not be read (${response.status})`)
        return response.text()
      })
      .then(setText)
      .catch((err: Error) => !controller.signal.aborted && setError(`No preview: ${err.message}.`))
    return () => controller.abort()
  }, [url])

  if (error) return <p className="error-text media-note">{error}</p>
  if (text === null) return <p className="muted media-note">Loading preview…</p>
  return (
    <pre className="media__text" data-testid="text-preview">
      {text}
    </pre>
  )
}
