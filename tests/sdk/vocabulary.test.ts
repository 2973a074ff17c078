import { describe, expect, it } from 'vitest';
import { standardEventProblems, toStandardEvent } from '../../shared/events.js';

describe('Segment spec names map onto TikTok standard events', () => {
  it('Order Completed → Purchase with products as contents and total as value', () => {
    const { event, properties } = toStandardEvent('Order Completed', {
      order_id: 'o1',
      total: 30,
      currency: 'eur',
      products: [
        { product_id: 'p1', name: 'Mug', price: 10, quantity: 1 },
        { sku: 'p2', price: 20, quantity: 1 },
      ],
    });
    expect(event).toBe('Purchase');
    expect(properties).toMatchObject({
      original_event: 'Order Completed',
      order_id: 'o1',
      value: 30,
      currency: 'EUR',
      contents: [
        { content_id: 'p1', content_name: 'Mug', price: 10, quantity: 1 },
        { content_id: 'p2', price: 20, quantity: 1 },
      ],
    });
    expect(standardEventProblems(event, JSON.parse(JSON.stringify(properties)))).toEqual([]);
  });

  it('a single-product event becomes one contents line valued price × quantity', () => {
    const { event, properties } = toStandardEvent('Product Added', {
      product_id: 'p1',
      name: 'Mug',
      price: 12,
      quantity: 2,
      currency: 'EUR',
    });
    expect(event).toBe('AddToCart');
    expect(properties).toMatchObject({ value: 24, contents: [{ content_id: 'p1', quantity: 2 }] });
  });

  it.each([
    ['Products Searched', 'Search'],
    ['Product Viewed', 'ViewContent'],
    ['Product Added to Wishlist', 'AddToWishlist'],
    ['Checkout Started', 'InitiateCheckout'],
    ['Payment Info Entered', 'AddPaymentInfo'],
    ['Signed Up', 'CompleteRegistration'],
  ])('%s → %s', (from, to) => {
    expect(toStandardEvent(from, {}).event).toBe(to);
  });

  it('leaves standard and custom names untouched', () => {
    const props = { value: 1 };
    expect(toStandardEvent('AddToCart', props)).toEqual({ event: 'AddToCart', properties: props });
    expect(toStandardEvent('Video Played', props).event).toBe('Video Played');
  });
});

describe('standardEventProblems (debug warnings)', () => {
  it('flags malformed standard properties', () => {
    expect(
      standardEventProblems('Purchase', { value: '10', currency: 'euro', contents: [{ id: 1 }] }),
    ).toEqual(['value: number', 'currency: ISO 4217', 'contents: [{content_id}]']);
    expect(standardEventProblems('AddToCart', { contents: [{ content_id: 'a' }] })).toEqual([
      'value+currency needed',
    ]);
    expect(standardEventProblems('Search', {})).toEqual(['query needed']);
  });

  it('accepts well-formed events', () => {
    expect(
      standardEventProblems('Purchase', {
        value: 10,
        currency: 'EUR',
        content_type: 'product',
        contents: [{ content_id: 'a', quantity: 1, price: 10 }],
      }),
    ).toEqual([]);
    expect(standardEventProblems('Search', { query: 'grinder' })).toEqual([]);
    expect(standardEventProblems('Contact', {})).toEqual([]);
  });
});
