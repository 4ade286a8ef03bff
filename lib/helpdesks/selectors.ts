/**
 * Every DOM selector the helpdesk detectors use, each with the public evidence for it: the
 * repository and file of a script or app written against the live product, or `guess:` and why.
 * When a helpdesk changes its markup, this file changes (tests/unit/selectors.test.ts keeps every
 * entry honest). The fixture pages in tests/fixtures/helpdesk/ reproduce the same evidence.
 *
 * Ticket ids come from the URL and are digits only (see ticketIdFromUrl), so they are safe to put
 * into attribute selectors.
 */

const SUPPORT_TOOLKIT = 'Automattic/support-toolkit extension/zendesk-selectors.js';
const TOGGL_ZENDESK = 'toggl/track-extension src/scripts/content/zendesk.js';
const EMAIL_REPLACER = 'bryanvillarin/zendesk-requester-email-replacer zendesk-requester-email-replacer.user.js';
const GORGIAS_INFOBAR =
  'ines-parreira/prototypes apps/helpdesk/src/pages/common/components/infobar/Infobar/InfobarCustomerInfo/InfobarCustomerInfo.tsx';

export const zendeskSelectors = {
  /** One ticket's grid layout; Zendesk keeps one mounted per open tab and hides the others. */
  ticketLayout: {
    css: (ticketId: string) => `[data-test-id="ticket-${ticketId}-custom-layout"]`,
  },
  /** Any ticket's grid layout (to climb to from the side-conversations element). */
  gridLayout: { css: '.ticket-panes-grid-layout' },
  /** Inside the conversation column of the ticket with this id: a second way to the layout. */
  conversationAnchor: {
    css: (ticketId: string) => `[data-side-conversations-anchor-id="${ticketId}"]`,
  },
  /** The layout's columns (properties, conversation, context panel; admins may re-arrange them). */
  column: { css: '[data-test-id^="column-"]' },
  /** A column's pane. */
  pane: {
    css: '[data-garden-id="pane"]',
  },
  /** The requester field (a name, never the email); the button goes right after it. */
  requesterField: { css: '[data-test-id="ticket-system-field-requester-select"]' },
  /** The requester's name inside the field. */
  requesterName: { css: 'div[data-garden-id="typography.ellipsis"]' },
  /**
   * The customer tab of the context panel, open: its tab bar (rendered only while that tab is open),
   * or the omnipanel's customer-context selector pressed (the panel's body is its pane's).
   */
  customerContext: {
    css: '[data-test-id="customer-context-tab-navigation"], [data-test-id="omnipanel-selector-item-customer-context"][aria-pressed="true"]',
  },
  /** A `mailto:` link in the customer panel (its email may also be plain text). */
  mailto: {
    css: 'a[href^="mailto:" i]',
  },
  /** The conversation: never read (a comment may quote anyone's email or imitate the page). */
  conversation: { css: '[data-test-id="omni-log-container"]' },
  /**
   * The reply editor (CKEditor 5's editable; the editor object is its `ckeditorInstance`), looked up
   * inside the open ticket's layout only: background tickets keep theirs mounted.
   */
  composer: {
    css: '.ck-editor__editable[data-test-id="omnicomposer-rich-text-ckeditor"]',
  },
  /** The reply's recipient in the composer region: an avatar whose `alt` is their email (the first is the To). */
  recipient: { css: '[data-test-id="editor-view"] [data-garden-id="tags.avatar"][alt]' },
} as const;

export const gorgiasSelectors = {
  /** The conversation (messages and audit events, which link other customers): never read. */
  thread: {
    css: '[aria-label="Ticket thread"]',
  },
  /** The customer's name as a link: in the ticket's breadcrumbs, the infobar header and the profile. */
  customerLink: {
    css: 'a[href^="/app/customer/"]',
  },
  /** An email channel in the infobar's profile block (absent with the newer ticket UI). */
  customerEmail: {
    css: 'a[id^="address-copied-"][href^="mailto:" i]',
  },
  /** The reply editor: Draft.js's editable inside the reply form (one per page). */
  composer: {
    css: 'form#ticket-reply-editor .public-DraftEditor-content',
  },
} as const;

/**
 * Where each selector comes from: `owner/repo path[, path…]` (several sources separated by `; `), or
 * `guess: why`. Kept apart from the selectors so content scripts do not ship these strings.
 */
export const zendeskEvidence = {
  ticketLayout: 'Automattic/support-toolkit docs/superpowers/specs/2026-06-22-zendesk-customizer-design.md',
  gridLayout: `${SUPPORT_TOOLKIT}; ${TOGGL_ZENDESK}`,
  conversationAnchor: `holatuwol/liferay-zendesk-userscript src/main.ts; ${TOGGL_ZENDESK}`,
  column: SUPPORT_TOOLKIT,
  pane: `${TOGGL_ZENDESK}; Automattic/support-toolkit docs/superpowers/specs/2026-06-22-zendesk-customizer-design.md`,
  requesterField: EMAIL_REPLACER,
  requesterName: EMAIL_REPLACER,
  customerContext:
    'guess: the tab bar is in toggl/track-extension src/scripts/content/zendesk.js; the pressed omnipanel selector (`omnipanel-selector-item-customer-context`, `aria-pressed`, body `omnipanel-content`) only in userscripts the search index does not name',
  mailto:
    'guess: no public script names a stable element for the email in the customer panel; they take a mailto: link or email-shaped text from it',
  conversation: SUPPORT_TOOLKIT,
  composer: 'holatuwol/liferay-zendesk-userscript src/reply.ts; JPInert/userscripts canned-responses.user.js',
  recipient: 'Briskine/briskine src/content/plugins/zendesk.js; holatuwol/liferay-zendesk-userscript src/internal.ts',
} satisfies Record<keyof typeof zendeskSelectors, string>;

export const gorgiasEvidence = {
  thread: 'ines-parreira/prototypes packages/ticket-thread/src/layout/TicketThreadContainer.tsx',
  customerLink: `ines-parreira/prototypes packages/tickets/src/components/TicketHeader/TicketTitle/CurrentTicketTitle.tsx, packages/tickets/src/components/InfobarTicketCustomerHeader/InfobarTicketCustomerHeader.tsx; ${GORGIAS_INFOBAR}`,
  customerEmail:
    'ines-parreira/prototypes apps/helpdesk/src/pages/common/components/infobar/Infobar/InfobarCustomerInfo/CustomerChannels.tsx',
  composer:
    'ines-parreira/prototypes apps/helpdesk/src/pages/common/editor/Editor.tsx; Briskine/briskine src/content/editors/editor-paste.js; pixiebrix/pixiebrix-extension src/contrib/draftjs/draftJsDom.ts',
} satisfies Record<keyof typeof gorgiasSelectors, string>;

/*
 * Not selected: Gorgias shows the reply's recipients (`To: ` and the receivers' names, ines-parreira/prototypes
 * apps/helpdesk/src/pages/tickets/detail/components/ReplyArea/MessageSourceFields/MessageSourceFields.tsx
 * and components/ReceiversSelectField.tsx) only under CSS-module class names hashed per build
 * (apps/helpdesk/rspack.app.config.mjs): no stable selector, so no recipient is read there and the
 * recipient guard does not apply (insert as before).
 */

/** Every selector with its evidence, by helpdesk (for the evidence test). */
export const ALL_SELECTORS = {
  zendesk: { selectors: zendeskSelectors, evidence: zendeskEvidence },
  gorgias: { selectors: gorgiasSelectors, evidence: gorgiasEvidence },
};
