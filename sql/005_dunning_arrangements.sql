-- Payment arrangements (*betalingsregelingen*) with instalments: the
-- instalments of an arrangement action, in order. See package dunning.

-- dunning_instalments holds one row per instalment of an arrangement action
-- (dunning_actions.type = 'arrangement'): the amount due on due_date.
CREATE TABLE dunning_instalments (
    action_id  BIGINT NOT NULL,
    instalment INTEGER NOT NULL,
    due_date   DATE NOT NULL,
    amount     DECIMAL(18,2) NOT NULL,
    PRIMARY KEY (action_id, instalment)
);
