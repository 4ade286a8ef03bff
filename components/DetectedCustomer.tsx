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

export function DetectedCustomerCard({ customer }: { customer: DetectedCustomer }) {
  return (
    <section className="detected" aria-label={t('detected.label')}>
      <div className="detected-ticket">
        {t('detected.ticket', [HELPDESK_LABELS[customer.helpdesk], String(customer.ticketId)])}
      </div>
      {customer.name && <strong>{customer.name}</strong>}
      <div>{customer.email ?? t('detected.noEmail')}</div>
      {customer.shopify?.map((ref) => (
        <div key={ref.id} className="detected-id">
          {t('detected.shopifyCustomer', [String(ref.id)])}
          {ref.shop ? ` · ${ref.shop}` : ''}
        </div>
      ))}
      <div className="hint">{t('detected.hint')}</div>
    </section>
  );
}
