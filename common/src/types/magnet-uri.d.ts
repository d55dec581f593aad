declare module 'magnet-uri' {
  type Decoded = {
    xt?: string | string[]
    dn?: string | string[]
    tr?: string | string[]
    [key: string]: unknown
  }
  export default function decode(uri: string): Decoded
}
