/** Pure reader of the referrer letters on an A005 ReferralRequest (a mapping's `letters: keep`). */

export interface LinkedFile {
  readonly url: string;
  readonly description: string;
  /** When e-RS indexed it; kept when the letter is sent again with A012. */
  readonly indexed?: string;
}

interface DocumentReferenceView {
  resourceType?: string;
  type?: { coding?: { code?: string }[] };
  description?: string;
  indexed?: string;
  content?: { attachment?: { url?: string } }[];
}

/** The referrer letters currently linked to the referral (A012 replaces exactly this set). */
export function referrerLetters(referral: unknown): LinkedFile[] {
  const contained = (referral as { contained?: DocumentReferenceView[] } | undefined)?.contained;
  return (contained ?? []).flatMap((r) => {
    const url = r.content?.[0]?.attachment?.url;
    const isLetter =
      r.resourceType === 'DocumentReference' && r.type?.coding?.some((c) => c.code === 'REFERRER');
    return isLetter && typeof url === 'string' && /^Binary\/[\w.-]+$/.test(url)
      ? [
          {
            url,
            description: r.description ?? '',
            ...(typeof r.indexed === 'string' ? { indexed: r.indexed } : {}),
          },
        ]
      : [];
  });
}
