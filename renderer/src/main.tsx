import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connect } from './api';
import { App } from './shell/App';
import { MissingToken } from './shell/MissingToken';
import './styles/tokens.css';
import './styles/base.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

const startup = connect(window, import.meta.env.DEV);
createRoot(container).render(
  <StrictMode>{startup.kind === 'ready' ? <App client={startup.client} /> : <MissingToken />}</StrictMode>,
);
