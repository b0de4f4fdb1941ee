"""What people can do with an answer in Slack: refresh it, switch chart and table, get its
CSV, open it in Looker, change its filters in place, and subscribe to it (a Looker scheduled
plan that delivers to this bot), then list and manage those subscriptions, also from the
App Home tab."""
