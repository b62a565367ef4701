//! The live training dashboard in the terminal: the book's `Animator` figure redrawn while the
//! model trains (train loss, train accuracy, test accuracy against epochs, with points inside
//! the current epoch), a progress gauge with ETA and examples per second, the run's settings
//! and folder, and for sweeps a table of the configurations as they finish. Regression runs
//! (sections 4.4 and 4.5) show their train and test loss on a log scale instead, one run at a
//! time, next to a table of every run's final losses.
//!
//! Keys: `q` (or Ctrl-C) stops training after the current batch; ← → switch between the views
//! (all metrics, loss, accuracy), or between the runs of a regression chapter. The screen is redrawn at most [`REDRAW_EVERY`] apart, so
//! drawing costs a small, bounded share of an epoch. The terminal is restored when the
//! dashboard is dropped, whatever ended the run, and on a panic.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use d2l_core::train::{BatchProgress, EpochMetrics, LossRecord, Reporter};
use ratatui::DefaultTerminal;
use ratatui::Frame;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, Gauge, GraphType, Paragraph, Row, Table};

/// The shortest time between two redraws.
pub const REDRAW_EVERY: Duration = Duration::from_millis(100);

/// The smallest terminal the dashboard draws in; below it, runs print plain lines.
pub const MIN_SIZE: (u16, u16) = (80, 24);

/// What the figure shows; ← → cycle through them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum View {
    All,
    Loss,
    Accuracy,
}

impl View {
    fn next(self) -> Self {
        match self {
            View::All => View::Loss,
            View::Loss => View::Accuracy,
            View::Accuracy => View::All,
        }
    }

    fn previous(self) -> Self {
        self.next().next()
    }

    fn title(self) -> &'static str {
        match self {
            View::All => "train loss, train acc, test acc",
            View::Loss => "train loss",
            View::Accuracy => "train acc, test acc",
        }
    }
}

/// One training run of a sweep or grid: its label and, once finished, its numbers.
struct RunRow {
    label: String,
    last: Option<EpochMetrics>,
    losses: Vec<LossRecord>,
    result: Option<String>,
    done: bool,
}

/// A [`Reporter`] that draws the dashboard.
pub struct Dashboard {
    terminal: DefaultTerminal,
    state: State,
}

/// What the dashboard shows.
struct State {
    title: String,
    settings: Vec<(String, String)>,
    folder: String,
    view: View,
    num_epochs: usize,
    progress: Option<BatchProgress>,
    train_loss: Vec<(f64, f64)>,
    train_acc: Vec<(f64, f64)>,
    test_acc: Vec<(f64, f64)>,
    runs: Vec<RunRow>,
    started: Instant,
    epoch_started: Instant,
    examples_per_second: f64,
    last_draw: Option<Instant>,
    stop: bool,
    message: Option<String>,
    /// The regression run whose curves are shown (`None`: the latest).
    selected: Option<usize>,
}

impl Dashboard {
    /// A dashboard for `title` (the chapter) showing `settings` and the run `folder`, when
    /// stdout is a terminal of at least [`MIN_SIZE`]; `None` otherwise.
    pub fn open(title: &str, settings: Vec<(String, String)>, folder: &str) -> Option<Self> {
        if !std::io::stdout().is_terminal() {
            return None;
        }
        let (width, height) = ratatui::crossterm::terminal::size().ok()?;
        if width < MIN_SIZE.0 || height < MIN_SIZE.1 {
            return None;
        }
        let terminal = ratatui::try_init().ok()?;
        let state = State {
            title: title.into(),
            settings,
            folder: folder.into(),
            view: View::All,
            num_epochs: 0,
            progress: None,
            train_loss: Vec::new(),
            train_acc: Vec::new(),
            test_acc: Vec::new(),
            runs: Vec::new(),
            started: Instant::now(),
            epoch_started: Instant::now(),
            examples_per_second: 0.0,
            last_draw: None,
            stop: false,
            message: None,
            selected: None,
        };
        Some(Self { terminal, state })
    }

    /// Shows `lines` (the run's final numbers) in place of the progress and, when `wait` and
    /// stdin is a terminal, keeps the screen until a key is pressed.
    pub fn finish(mut self, lines: &[String], wait: bool) {
        let wait = wait && std::io::stdin().is_terminal();
        let mut text = lines.join("\n");
        if wait {
            text.push_str("\n\npress any key to close");
        }
        self.state.message = Some(text);
        self.draw();
        if wait {
            loop {
                match event::read() {
                    Ok(Event::Key(key)) if key.kind == KeyEventKind::Press => break,
                    Ok(_) => self.draw(),
                    Err(_) => break,
                }
            }
        }
    }

    /// Reads the keys pressed since the last look, without waiting.
    fn handle_keys(&mut self) {
        while event::poll(Duration::ZERO).unwrap_or(false) {
            let Ok(Event::Key(key)) = event::read() else {
                continue;
            };
            if key.kind != KeyEventKind::Press {
                continue;
            }
            match key.code {
                KeyCode::Char('q') => self.state.stop = true,
                // The terminal is in raw mode, so Ctrl-C arrives as a key, not as SIGINT: it
                // interrupts the run as SIGINT would (exit status 130, resumable), and a
                // second one ends it at once.
                KeyCode::Char('c')
                    if key.modifiers.contains(KeyModifiers::CONTROL)
                        && !crate::signals::interrupt_from_keyboard() =>
                {
                    ratatui::restore();
                    std::process::exit(crate::signals::exit_status(libc::SIGINT).into());
                }
                KeyCode::Right | KeyCode::Down => self.state.step(1),
                KeyCode::Left | KeyCode::Up => self.state.step(-1),
                _ => {}
            }
        }
    }

    /// Looks at the keys and redraws, at most every [`REDRAW_EVERY`] unless `now`.
    fn refresh(&mut self, now: bool) {
        if now
            || self
                .state
                .last_draw
                .is_none_or(|t| t.elapsed() >= REDRAW_EVERY)
        {
            self.handle_keys();
            self.draw();
        }
    }

    fn draw(&mut self) {
        self.state.last_draw = Some(Instant::now());
        // A failed draw (a closed terminal, say) must not stop training.
        let _ = self.terminal.draw(|frame| self.state.render(frame));
    }

    /// Adds `text` to the current run's row of the table (e.g. its weight norm).
    pub fn note_result(&mut self, text: &str) {
        if let Some(run) = self.state.runs.last_mut() {
            let result = run.result.get_or_insert_with(String::new);
            if !result.is_empty() {
                result.push_str("  ");
            }
            result.push_str(text);
        }
        self.refresh(true);
    }
}

impl State {
    /// True when the runs are regressions (they report losses, not accuracies).
    fn regression(&self) -> bool {
        self.runs.iter().any(|r| !r.losses.is_empty())
    }

    /// An arrow key: the next or previous view, or run of a regression chapter.
    fn step(&mut self, by: isize) {
        if self.regression() {
            let last = self.runs.len() - 1;
            let at = self.selected.unwrap_or(last) as isize + by;
            self.selected = Some(at.clamp(0, last as isize) as usize);
        } else if by > 0 {
            self.view = self.view.next();
        } else {
            self.view = self.view.previous();
        }
    }

    fn render(&self, frame: &mut Frame) {
        // The summary's lines as wrapped inside the border.
        let inner = frame.area().width.saturating_sub(2).max(1) as usize;
        let footer_lines = self.message.as_ref().map_or(2, |m| {
            m.lines()
                .map(|l| l.chars().count().div_ceil(inner).max(1))
                .sum::<usize>() as u16
        });
        let [header, body, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(10),
            Constraint::Length(footer_lines + 2),
        ])
        .areas(frame.area());
        let stop_hint = if self.stop {
            " stopping after this batch… ".to_string()
        } else {
            " q stop · ← → views ".to_string()
        };
        frame.render_widget(
            Line::from(vec![
                Span::styled(format!(" {} ", self.title), Style::new().bold().reversed()),
                Span::raw(format!("  {}", self.folder)),
                Span::styled(format!("  {stop_hint}"), Style::new().dim()),
            ]),
            header,
        );
        let side_width = if self.regression() { 50 } else { 34 };
        let [figure, side] =
            Layout::horizontal([Constraint::Min(40), Constraint::Length(side_width)]).areas(body);
        if self.regression() {
            self.render_losses(frame, figure);
        } else {
            self.render_figure(frame, figure);
        }
        self.render_side(frame, side);
        self.render_footer(frame, footer);
    }

    fn render_figure(&self, frame: &mut Frame, area: Rect) {
        // The book's colours: train loss blue, train acc magenta, test acc green.
        let series = [
            (
                "train loss",
                &self.train_loss,
                Color::Blue,
                self.view != View::Accuracy,
            ),
            (
                "train acc",
                &self.train_acc,
                Color::Magenta,
                self.view != View::Loss,
            ),
            (
                "test acc",
                &self.test_acc,
                Color::Green,
                self.view != View::Loss,
            ),
        ];
        let datasets: Vec<Dataset> = series
            .into_iter()
            .filter(|s| s.3)
            .map(|(name, data, color, _)| {
                Dataset::default()
                    .name(name)
                    .marker(Marker::Braille)
                    .graph_type(GraphType::Line)
                    .style(Style::new().fg(color))
                    .data(data)
            })
            .collect();
        let x_max = self.num_epochs.max(2) as f64;
        let (y_min, y_max) = match self.view {
            // The book's figure: y from 0.3 to 0.9.
            View::All | View::Accuracy => (0.3, 0.9),
            View::Loss => (0.0, self.train_loss.iter().map(|p| p.1).fold(1.0, f64::max)),
        };
        let label = |v: f64| Span::raw(format!("{v:.1}"));
        let chart = Chart::new(datasets)
            .block(Block::bordered().title(format!(" {} ", self.view.title())))
            .x_axis(Axis::default().title("epoch").bounds([1.0, x_max]).labels([
                label(1.0),
                label((1.0 + x_max) / 2.0),
                label(x_max),
            ]))
            .y_axis(Axis::default().bounds([y_min, y_max]).labels([
                label(y_min),
                label((y_min + y_max) / 2.0),
                label(y_max),
            ]));
        frame.render_widget(chart, area);
    }

    /// A regression run's train and test loss against epoch, log10 on the y axis.
    fn render_losses(&self, frame: &mut Frame, area: Rect) {
        let index = self.selected.unwrap_or(self.runs.len() - 1);
        let run = &self.runs[index];
        let log = |f: fn(&LossRecord) -> f64| -> Vec<(f64, f64)> {
            run.losses
                .iter()
                .map(|r| (r.epoch as f64, f(r).max(1e-30).log10()))
                .collect()
        };
        let (train, test) = (log(|r| r.train_loss), log(|r| r.test_loss));
        let ys = train.iter().chain(&test).map(|p| p.1);
        let lo = ys.clone().fold(f64::INFINITY, f64::min).floor();
        let hi = ys.fold(f64::NEG_INFINITY, f64::max).ceil().max(lo + 1.0);
        let (lo, hi) = if lo.is_finite() {
            (lo, hi)
        } else {
            (-3.0, 2.0)
        };
        let x_max = self.num_epochs.max(2) as f64;
        let datasets = vec![
            Dataset::default()
                .name("train")
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::new().fg(Color::Blue))
                .data(&train),
            Dataset::default()
                .name("test")
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::new().fg(Color::Magenta))
                .data(&test),
        ];
        let decade = |e: f64| Span::raw(format!("1e{e:.0}"));
        let chart = Chart::new(datasets)
            .block(Block::bordered().title(format!(
                " loss (log scale) · {} · run {}/{} ",
                run.label,
                index + 1,
                self.runs.len()
            )))
            .x_axis(Axis::default().title("epoch").bounds([1.0, x_max]).labels([
                Span::raw("1"),
                Span::raw(format!("{:.0}", (1.0 + x_max) / 2.0)),
                Span::raw(format!("{x_max:.0}")),
            ]))
            .y_axis(Axis::default().bounds([lo, hi]).labels([
                decade(lo),
                decade((lo + hi) / 2.0),
                decade(hi),
            ]));
        frame.render_widget(chart, area);
    }

    fn render_side(&self, frame: &mut Frame, area: Rect) {
        if self.runs.is_empty() {
            let lines: Vec<Line> = self
                .settings
                .iter()
                .map(|(k, v)| {
                    Line::from(vec![
                        Span::styled(format!("{k} "), Style::new().dim()),
                        Span::raw(v.clone()),
                    ])
                })
                .collect();
            frame.render_widget(
                Paragraph::new(lines).block(Block::bordered().title(" settings ")),
                area,
            );
            return;
        }
        if self.regression() {
            let rows = self.runs.iter().map(|r| {
                let last = r.losses.last();
                let fmt = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:.2e}"));
                Row::new([
                    r.label.clone(),
                    fmt(last.map(|l| l.train_loss)),
                    fmt(last.map(|l| l.test_loss)),
                    r.result.clone().unwrap_or_default(),
                ])
            });
            let widths = [
                Constraint::Min(12),
                Constraint::Length(8),
                Constraint::Length(8),
                Constraint::Length(14),
            ];
            let table = Table::new(rows, widths)
                .header(Row::new(["run", "train", "test", ""]).add_modifier(Modifier::BOLD))
                .block(Block::bordered().title(" runs · final loss "));
            frame.render_widget(table, area);
            return;
        }
        let rows = self.runs.iter().map(|r| {
            let (status, acc) = match (&r.last, r.done) {
                (Some(m), true) => ("done".to_string(), format!("{:.4}", m.test_acc)),
                (Some(m), false) => (format!("ep {}", m.epoch), format!("{:.4}", m.test_acc)),
                (None, _) => ("…".to_string(), String::new()),
            };
            Row::new([r.label.clone(), status, acc])
        });
        let table = Table::new(
            rows,
            [
                Constraint::Min(16),
                Constraint::Length(6),
                Constraint::Length(7),
            ],
        )
        .header(Row::new(["configuration", "status", "test"]).add_modifier(Modifier::BOLD))
        .block(Block::bordered().title(" runs "));
        frame.render_widget(table, area);
    }

    fn render_footer(&self, frame: &mut Frame, area: Rect) {
        if let Some(message) = &self.message {
            let summary = Paragraph::new(message.as_str())
                .wrap(ratatui::widgets::Wrap { trim: false })
                .block(Block::bordered().title(" summary "));
            frame.render_widget(summary, area);
            return;
        }
        let Some(p) = self.progress else {
            frame.render_widget(Block::bordered().title(" starting "), area);
            return;
        };
        let done = ((p.epoch - 1) * p.num_batches + p.batch) as f64;
        let total = (self.num_epochs * p.num_batches).max(1) as f64;
        let elapsed = self.started.elapsed().as_secs_f64();
        let eta = elapsed / done.max(1.0) * (total - done);
        let last = self
            .test_acc
            .last()
            .map_or(String::new(), |t| format!("  test acc {:.4}", t.1));
        let label = format!(
            "epoch {}/{} · batch {}/{} · loss {:.4} · acc {:.4}{last} · {:.0} examples/s · ETA {:.0} s",
            p.epoch,
            self.num_epochs,
            p.batch,
            p.num_batches,
            p.train_loss,
            p.train_acc,
            self.examples_per_second,
            eta
        );
        let gauge = Gauge::default()
            .block(Block::bordered().title(" progress "))
            .gauge_style(Style::new().fg(Color::Cyan))
            .ratio((done / total).clamp(0.0, 1.0))
            .label(label);
        frame.render_widget(gauge, area);
    }
}

impl Reporter for Dashboard {
    fn on_note(&mut self, note: &str) {
        if let Some(run) = self.state.runs.last_mut() {
            run.done = true;
        }
        self.state.runs.push(RunRow {
            label: note.to_string(),
            last: None,
            losses: Vec::new(),
            result: None,
            done: false,
        });
        self.refresh(true);
    }

    fn on_start(&mut self, num_epochs: usize, _num_batches: usize) {
        self.state.num_epochs = num_epochs;
        self.state.progress = None;
        self.state.train_loss.clear();
        self.state.train_acc.clear();
        self.state.test_acc.clear();
        self.state.started = Instant::now();
        self.state.epoch_started = Instant::now();
        self.refresh(true);
    }

    fn on_batch(&mut self, p: &BatchProgress) {
        if p.batch == 1 {
            self.state.epoch_started = Instant::now();
        }
        self.state.progress = Some(*p);
        // Five points per epoch, as the book's Animator adds them.
        let every = (p.num_batches / 5).max(1);
        if p.batch.is_multiple_of(every) || p.batch == p.num_batches {
            let x = (p.epoch - 1) as f64 + p.batch as f64 / p.num_batches as f64;
            self.state.train_loss.push((x, p.train_loss));
            self.state.train_acc.push((x, p.train_acc));
        }
        let seconds = self.state.epoch_started.elapsed().as_secs_f64();
        if seconds > 0.0 {
            self.state.examples_per_second = p.examples as f64 / seconds;
        }
        self.refresh(false);
    }

    fn on_epoch(&mut self, m: &EpochMetrics) -> d2l_core::Result<()> {
        self.state.test_acc.push((m.epoch as f64, m.test_acc));
        if let Some(run) = self.state.runs.last_mut() {
            run.last = Some(*m);
            run.done = m.epoch == self.state.num_epochs;
        }
        self.refresh(true);
        Ok(())
    }

    fn on_losses(&mut self, record: &LossRecord) -> d2l_core::Result<()> {
        if let Some(run) = self.state.runs.last_mut() {
            run.losses.push(*record);
        }
        self.refresh(false);
        Ok(())
    }

    fn should_stop(&self) -> bool {
        self.state.stop
    }
}

impl Drop for Dashboard {
    fn drop(&mut self) {
        ratatui::restore();
    }
}
