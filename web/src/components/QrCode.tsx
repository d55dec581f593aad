import QRCode from 'qrcode'
import { useEffect, useState } from 'react'

/** The QR code of `text`, drawn as an image so nothing from the text can become markup. */
export function QrCode({ text, label }: { text: string; label: string }) {
  const [dataUrl, setDataUrl] = useState<string | null>(null)

  useEffect(() => {
    let cancelled = false
    QRCode.toDataURL(text, { margin: 1, width: 220, errorCorrectionLevel: 'M' }).then(
      (url) => !cancelled && setDataUrl(url),
      () => !cancelled && setDataUrl(null),
    )
    return () => {
      cancelled = true
    }
  }, [text])

  return dataUrl ? (
    <img className="qr" src={dataUrl} width={220} height={220} alt={label} />
  ) : (
    <div className="qr qr--empty" />
  )
}
