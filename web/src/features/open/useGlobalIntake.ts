import { useEffect, useState } from 'react'
import { collectDropped, fromFileList } from '../share/collect-files'
import { openLinkText, takeFiles } from './actions'

/**
 * Drop anywhere on the page and paste anywhere (outside text fields) both work. Returns whether
 * files are being dragged over the window, for the overlay.
 */
export function useGlobalIntake(onError: (message: string) => void): boolean {
  const [dragging, setDragging] = useState(false)

  useEffect(() => {
    let depth = 0
    const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false
    const run = (task: () => Promise<void> | void) => {
      Promise.resolve()
        .then(task)
        .catch((err: Error) => onError(err.message))
    }

    const onDragEnter = (event: DragEvent) => {
      if (!carriesFiles(event)) return
      depth += 1
      setDragging(true)
    }
    const onDragLeave = () => {
      depth = Math.max(0, depth - 1)
      if (depth === 0) setDragging(false)
    }
    const onDragOver = (event: DragEvent) => {
      if (!carriesFiles(event)) return
      event.preventDefault()
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy'
    }
    const onDrop = (event: DragEvent) => {
      if (!event.dataTransfer || !carriesFiles(event)) return
      event.preventDefault()
      depth = 0
      setDragging(false)
      const dataTransfer = event.dataTransfer
      // Entries must be read before the event ends; collectDropped starts that synchronously.
      const collected = collectDropped(dataTransfer)
      run(async () => takeFiles(await collected))
    }
    const onPaste = (event: ClipboardEvent) => {
      const target = event.target
      if (target instanceof Element && target.closest('input, textarea, [contenteditable="true"]')) return
      const files = event.clipboardData?.files
      if (files && files.length > 0) {
        event.preventDefault()
        run(() => takeFiles(fromFileList(files)))
        return
      }
      const text = event.clipboardData?.getData('text') ?? ''
      if (text.trim()) {
        event.preventDefault()
        run(() => openLinkText(text))
      }
    }

    window.addEventListener('dragenter', onDragEnter)
    window.addEventListener('dragleave', onDragLeave)
    window.addEventListener('dragover', onDragOver)
    window.addEventListener('drop', onDrop)
    window.addEventListener('paste', onPaste)
    return () => {
      window.removeEventListener('dragenter', onDragEnter)
      window.removeEventListener('dragleave', onDragLeave)
      window.removeEventListener('dragover', onDragOver)
      window.removeEventListener('drop', onDrop)
      window.removeEventListener('paste', onPaste)
    }
  }, [onError])

  return dragging
}
