import { useEffect, useState } from 'react';
import { browser } from 'wxt/browser';
import { HELPDESK_LABELS } from '@/lib/helpdesks/detected';
import type { DetectedCustomer } from '@/lib/helpdesks/types';
import { customerOnActiveTab } from '@/lib/shared/active-ticket';
import { t } from '@/lib/shared/i18n';
import { sendToTab } from '@/lib/shared/messaging-client';

/** The customer on the active ticket tab, once its content script answers (undefined elsewhere). */
export function useDetectedCustomer(): DetectedCustomer | undefined {
  const [detected, setDetected] = useState<DetectedCustomer>();
  useEffect(() => {
    let live = true;
    void customerOnActiveTab({
      currentTab: () => browser.tabs.getCurrent(),
      tabsOfCurrentWindow: () => browser.tabs.query({ currentWindow: true }),
      sendToTab,
    }).then((customer) => {
      if (live) setDetected(customer);
    });
    return () => {
      live = false;
    };
  }, []);
  return detected;
}

/** "Jane Doe has no email on this ticket — type their email or customer ID." */
export function noEmailSentence(name: string | undefined): string {
  return name ? t('detected.noEmail', [name]) : t('detected.noEmailUnnamed');
}

/**
 * Who is on the ticket. A customer who can be looked up gets the hint that an empty field means them;
 * one who can't (no email, no id) gets one sentence that says what to do instead.
 */
export function DetectedCustomerCard({ customer, usable }: { customer: DetectedCustomer; usable: boolean }) {
  return (
    <section className="detected" aria-label={t('detected.label')}>
      <div className="detected-ticket">
        {t('detected.ticket', [HELPDESK_LABELS[customer.helpdesk], String(customer.ticketId)])}
      </div>
      {usable ? (
        <>
          {customer.name && <strong>{customer.name}</strong>}
          {customer.email && <div>{customer.email}</div>}
          {customer.shopify?.map((ref) => (
            <div key={ref.id} className="detected-id">
              {t('detected.shopifyCustomer', [String(ref.id)])}
              {ref.shop ? ` · ${ref.shop}` : ''}
            </div>
          ))}
          <div className="hint">{t('detected.hint')}</div>
        </>
      ) : (
        <p>{noEmailSentence(customer.name)}</p>
      )}
    </section>
  );
}
