import { useEffect, useState } from 'react'

const CONFIRMATION_MS = 2_000

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')

  useEffect(() => {
    if (state === 'idle') return
    const timer = setTimeout(() => setState('idle'), CONFIRMATION_MS)
    return () => clearTimeout(timer)
  }, [state])

  const copy = () => {
    navigator.clipboard.writeText(text).then(
      () => setState('copied'),
      () => setState('failed'),
    )
  }

  return (
    <button type="button" className="button button--primary" onClick={copy} aria-live="polite">
      {state === 'copied' ? 'Copied!' : state === 'failed' ? 'Select and copy' : label}
    </button>
  )
}
